#include "src/cli/cli.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <sstream>

#include "reconciler/schema.h"
#include "src/cli/commands.h"
#include "src/cli/estate_setup.h"
#include "src/cli/exit_codes.h"
#include "src/cli/json_output_guard.h"
#include "src/cli/man_page.h"
#include "state/store.h"

#ifndef HXCTL_VERSION
#define HXCTL_VERSION "dev"
#endif
#ifndef HXCTL_COMMIT
#define HXCTL_COMMIT "unknown"
#endif
#ifndef HXCTL_BUILD_TYPE
#define HXCTL_BUILD_TYPE "unknown"
#endif

namespace hx {

namespace {

void addPlanFlags(CLI::App* cmd, PlanCommandOptions& o) {
  cmd->add_flag("--prune", o.plan.prune,
                "Delete objects hxctl created that the specs no longer declare");
  cmd->add_flag("--allow-mass-prune", o.plan.allowMassPrune,
                "Let --prune delete more than half of the objects of a kind that hxctl created");
  cmd->add_flag("--allow-replace", o.plan.allowReplace,
                "Allow deleting and re-creating objects whose immutable fields changed");
  cmd->add_flag("--force", o.plan.force,
                "Apply firewall changes even if they would leave SSH unreachable from the "
                "operators' network");
  cmd->add_option("--target", o.target, "Only this resource (KIND/NAME) and its dependencies");
  cmd->add_option("-l,--selector", o.selector,
                  "Only resources with these labels (app=search[,tier=gold]) and their "
                  "dependencies");
  cmd->add_flag("--detailed-exitcode", o.detailedExitcode,
                "plan: exit 0 only when the estate is converged, 2 when anything is not (changes, "
                "deferred, refused or orphaned objects); apply: 6 when items remain deferred");
  cmd->add_option("--parallelism", o.parallelism, "Actions and observations at once")
      ->check(CLI::Range(1, 256));
}

}  // namespace

namespace {

// hxctl version / --version: the release, the commit and build type it was built from, and the
// store schema it reads and writes.
int printVersion(CliEnv& env, bool json) {
  if (json)
    env.out << toJsonText(Json{{"version", HXCTL_VERSION},
                               {"commit", HXCTL_COMMIT},
                               {"build_type", HXCTL_BUILD_TYPE},
                               {"state_schema", Store::kSchemaVersion}})
            << "\n";
  else
    env.out << "hxctl " << HXCTL_VERSION << " (commit " << HXCTL_COMMIT << ", " << HXCTL_BUILD_TYPE
            << " build, state schema " << Store::kSchemaVersion << ")\n";
  return exit_code::kOk;
}

// Global options that take a value, so that the word after them is not taken for a command.
bool takesValue(const std::string& arg) {
  return arg == "--state" || arg == "--config" || arg == "-o" || arg == "--output" ||
         arg == "--max-spec-bytes";
}

std::vector<std::string> commandNames(const CLI::App& app) {
  std::vector<std::string> out;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    out.push_back(sub->get_name());
  return out;
}

// Terraform's single-dash spellings, which CLI11 would read as clusters of short flags (`-out`
// as `-o ut`): -out, -auto-approve, -target, -detailed-exitcode become their `--` forms.
std::vector<std::string> withTerraformSpellings(int argc, char** argv) {
  static const std::vector<std::string> kLong = {
      "out", "auto-approve", "target", "detailed-exitcode", "lock-timeout", "parallelism"};
  std::vector<std::string> args(argv, argv + argc);
  for (auto& arg : args) {
    if (arg.size() < 3 || arg[0] != '-' || arg[1] == '-') continue;
    std::string name =
        arg.substr(1, arg.find('=') == std::string::npos ? std::string::npos : arg.find('=') - 1);
    if (std::find(kLong.begin(), kLong.end(), name) != kLong.end()) arg = "-" + arg;
  }
  return args;
}

// What the command line asks before CLI11 sees it: no command (the help), `help [COMMAND]`,
// `--version`, and an unknown command (with the nearest one). Returns an exit code, or -1 to go
// on parsing.
int answerBeforeParsing(CLI::App& app, int argc, char** argv, CliEnv& env) {
  std::string command;
  int at = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--version" || arg == "-V") return printVersion(env, argsWantJson(argc, argv));
    if (takesValue(arg)) {
      ++i;
      continue;
    }
    if (command.empty() && !arg.empty() && arg[0] != '-') {
      command = arg;
      at = i;
    }
  }
  if (command.empty() && argc == 1) {
    env.out << app.help();
    return exit_code::kError;
  }
  if (command == "help") {
    std::string topic = at + 1 < argc ? argv[at + 1] : "";
    const auto names = commandNames(app);
    if (!topic.empty() && std::find(names.begin(), names.end(), topic) != names.end()) {
      env.out << app.get_subcommand(topic)->help();
      return exit_code::kOk;
    }
    if (!topic.empty()) {
      env.err << "error: no command \"" << topic << "\"" << didYouMean(topic, names) << "\n";
      return exit_code::kError;
    }
    env.out << app.help();
    return exit_code::kOk;
  }
  if (!command.empty()) {
    const auto names = commandNames(app);
    if (std::find(names.begin(), names.end(), command) == names.end()) {
      env.err << "error: unknown command \"" << command << "\"" << didYouMean(command, names)
              << "\nRun 'hxctl help' for the commands.\n";
      return exit_code::kError;
    }
  }
  return -1;
}

// The command given (its name), or "" when none was parsed.
std::string commandOf(CLI::App& app) {
  auto given = app.get_subcommands();
  return given.empty() ? "" : given.front()->get_name();
}

// " (did you mean \"--prune\"?)" for the first unknown flag, among the command's own.
std::string nearestFlag(CLI::App& app, const CLI::ExtrasError& e) {
  std::string what = e.what();
  auto dash = what.find("--");
  if (dash == std::string::npos) return "";
  std::string flag = what.substr(dash);
  flag = flag.substr(0, flag.find_first_of(" ,=\n"));
  std::vector<std::string> known;
  auto given = app.get_subcommands();
  CLI::App* scope = given.empty() ? &app : given.front();
  for (const auto* o : scope->get_options())
    for (const auto& name : o->get_lnames()) known.push_back("--" + name);
  for (const auto* o : app.get_options())
    for (const auto& name : o->get_lnames()) known.push_back("--" + name);
  return didYouMean(flag, known);
}

}  // namespace

// The exit codes, as `hxctl --help` and `hxctl COMMAND --help` end.
static std::string exitCodesFooter() {
  std::string out = "\nExit codes:\n";
  for (const auto& e : exit_code::kExitCodeMeanings) {
    std::string code = e.code;
    out +=
        "  " + code + std::string(code.size() < 10 ? 10 - code.size() : 1, ' ') + e.meaning + "\n";
  }
  return out;
}

static int runCommand(int argc, char** argv, CliEnv& env) {
  CLI::App app{"hxctl keeps an on-prem AI estate in the state its operators declare.", "hxctl"};
  app.footer(exitCodesFooter());
  app.require_subcommand(1);
  app.fallthrough();  // global flags (-o, --state) may follow the subcommand
  CommonOptions common;
  common.statePath = defaultStatePath();
  app.add_option("--state", common.statePath,
                 "State store (SQLite); env HXCTL_STATE; else state: in hxctl.yaml")
      ->capture_default_str();
  std::string configPath;
  app.add_option("--config", configPath,
                 "The estate's hxctl.yaml (default: found beside the specs or the current "
                 "directory, or above; else /etc/hxctl/hxctl.yaml)")
      ->envname("HXCTL_CONFIG");
  app.add_option("-o,--output", common.output, "Output format: text, json or yaml")
      ->check(CLI::IsMember({"text", "json", "yaml"}));
  app.add_option("--max-spec-bytes", common.specLimits.maxFileBytes,
                 "Largest spec file read (e.g. 8MiB); the YAML node budget and the limit for all "
                 "files together (4x) follow from it. Env HXCTL_MAX_SPEC_BYTES")
      ->transform(CLI::AsSizeValue(false))
      ->envname("HXCTL_MAX_SPEC_BYTES")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 30))
      ->capture_default_str();
  app.add_flag("--no-color", common.noColor, "Never color the output (NO_COLOR is honored too)");

  auto* validate = app.add_subcommand("validate", "Check specs: schema and references, no network");
  validate->add_option("-f,--file", common.files, "Spec file or directory (repeatable)");

  std::string prometheusName;
  auto* monitoring = app.add_subcommand(
      "monitoring-config",
      "Print the prometheus.yml hxctl renders for each declared Prometheus, no network");
  monitoring->add_option("-f,--file", common.files, "Spec file or directory (repeatable)");
  monitoring->add_option("name", prometheusName, "Only this Prometheus (its metadata.name)");

  PlanCommandOptions planOpts;
  std::string planOut;
  auto* plan = app.add_subcommand("plan", "Observe, diff, and print what apply would change");
  plan->add_option("-f,--file", common.files, "Spec file or directory (repeatable)")
      ->allow_extra_args(false);  // one value per -f, so a positional may follow
  plan->add_option("--out", planOut,
                   "Also save the plan to this file, for `hxctl apply FILE` (Terraform's -out)");
  plan->add_flag("--offline", planOpts.offline, "Plan against the last recorded observations");
  plan->add_flag("--record", planOpts.record,
                 "Save what was observed, for later --offline plans (plan writes nothing without "
                 "it)");
  addPlanFlags(plan, planOpts);

  PlanCommandOptions applyOpts;
  ApplyCliOptions applyCli;
  auto* apply = app.add_subcommand(
      "apply", "Plan, ask, then carry the plan out; or carry out a plan saved with plan --out");
  apply->add_option("-f,--file", common.files, "Spec file or directory (repeatable)")
      ->allow_extra_args(false);  // one value per -f, so a positional may follow
  apply->add_option("plan", applyCli.planFile,
                    "A plan saved by plan --out: carry out exactly it, or refuse if it is stale");
  apply->add_flag("--auto-approve", applyCli.autoApprove,
                  "Do not ask for approval (needed without a terminal, as in scripts and CI)");
  apply->add_flag("--claim-store", common.claimStore,
                  "Record these specs' estate as the store's (after renaming or moving the "
                  "estate); without it, a store of another estate is refused");
  apply->add_option("--lock-timeout", applyOpts.lockTimeout,
                    "Wait this long for another hxctl's lock (e.g. 30s); default: fail at once");
  apply->add_option("--recheck-heavy", applyOpts.recheckHeavy,
                    "Keep passing load and ingest results younger than this (e.g. 1h); default: "
                    "run every check");
  addPlanFlags(apply, applyOpts);

  PlanCommandOptions hostsOpts;
  auto* hosts =
      app.add_subcommand("hosts", "Hosts: status, probes, breaker, models present/missing");
  hosts->add_option("-f,--file", common.files, "Spec file or directory (repeatable)")
      ->allow_extra_args(false);  // one value per -f, so a positional may follow
  hosts->add_flag("--offline", hostsOpts.offline,
                  "Show the last recorded observations; probe nothing");
  hosts->add_flag("--record", hostsOpts.record,
                  "Record the probes even where there is no store yet (it is created); without "
                  "it, hosts records into an existing store whenever no daemon keeps it");

  PlanCommandOptions statusOpts;
  std::string statusTask;
  bool refresh = false;
  auto* status =
      app.add_subcommand("status", "Hosts and the backlog: task status, what blocks it, evidence");
  status->add_option("-f,--file", common.files, "Spec file or directory (repeatable)")
      ->allow_extra_args(false);  // one value per -f, so a positional may follow
  status->add_option("task", statusTask, "One task's whole story");
  status->add_option("-l,--selector", statusOpts.selector,
                     "Only tasks with these labels (group=security[,owner=ops])");
  status->add_flag("--refresh", refresh,
                   "Probe, observe and run the checks now (default: the last records)");

  std::string describeWhat;
  auto* describe = app.add_subcommand(
      "describe", "One object's story: spec, last observation, plan, gating tasks, actions");
  describe->add_option("-f,--file", common.files, "Spec file or directory (repeatable)")
      ->allow_extra_args(false);
  describe->add_option("resource", describeWhat, "KIND/NAME, e.g. Collection/docs")->required();

  std::string suspendWhat, suspendReason;
  auto* suspend = app.add_subcommand(
      "suspend", "Leave a resource (a host: everything on it) as it is until resume");
  suspend->add_option("-f,--file", common.files, "Spec file or directory (repeatable)")
      ->allow_extra_args(false);
  suspend->add_option("resource", suspendWhat, "KIND/NAME")->required();
  suspend->add_option("--reason", suspendReason, "Why, for whoever reads status and plans");
  auto* resume = app.add_subcommand("resume", "Let apply and the daemon converge it again");
  resume->add_option("resource", suspendWhat, "KIND/NAME")->required();
  bool reconcileNow = false;
  auto* reconcile = app.add_subcommand(
      "reconcile", "Ask the daemon that keeps this store to reconcile now (--now)");
  reconcile->add_flag("--now", reconcileNow, "Now (SIGHUP to the daemon), not at its interval")
      ->required();
  EventsOptions eventsOpts;
  auto* events = app.add_subcommand(
      "events", "Host and task transitions and actions, in time order, from the store");
  events->add_option("-f,--file", common.files, "Spec file or directory (repeatable)")
      ->allow_extra_args(false);
  events->add_flag("--follow", eventsOpts.follow,
                   "Keep printing new events (JSON Lines with -o json)");
  events->add_option("--since", eventsOpts.since, "Only events this recent (e.g. 1h)");
  events->add_option("--limit", eventsOpts.limit, "Without --follow: the newest this many")
      ->check(CLI::Range(1, 100000));
  WaitOptions waitOpts;
  auto* wait = app.add_subcommand("wait", "Wait until a task or host reaches a status");
  wait->add_option("resource", waitOpts.what, "Task/ID or Host/NAME")->required();
  wait->add_option("--for", waitOpts.status, "The status: completed, active, ...")->required();
  wait->add_option("--timeout", waitOpts.timeout, "Give up after this long (exit 1)")
      ->capture_default_str();
  wait->add_option("-f,--file", common.files,
                   "Spec file or directory (repeatable; default: specs: in hxctl.yaml). With "
                   "specs and no daemon keeping the store, wait probes and checks itself")
      ->allow_extra_args(false);

  PlanCommandOptions reportOpts;
  bool reportRefresh = false;
  auto* report =
      app.add_subcommand("report", "The backlog document, regenerated from live state as Markdown");
  report->add_option("-f,--file", common.files, "Spec file or directory (repeatable)")
      ->allow_extra_args(false);
  report->add_flag("--refresh", reportRefresh,
                   "Probe, observe and run the checks now (default: the last records)");

  PlanCommandOptions exportOpts;
  bool exportRefresh = false;
  std::string exportDir = ".";
  auto* exporter = app.add_subcommand(
      "export",
      "Write external-models.yaml, model-collections.json and secrets.env.template from the specs "
      "and the recorded state");
  exporter->add_option("-f,--file", common.files, "Spec file or directory (repeatable)")
      ->allow_extra_args(false);
  exporter->add_option("-d,--dir", exportDir, "The directory to write them into")
      ->capture_default_str();
  exporter->add_flag("--refresh", exportRefresh,
                     "Probe, observe and run the checks now (default: the last records)");

  auto* keys = app.add_subcommand("keys", "API keys: role, deliveries, created, expires, rotated");
  keys->add_option("-f,--file", common.files, "Spec file or directory (repeatable)")
      ->allow_extra_args(false);

  int64_t runId = 0;
  int limit = 20;
  auto* history = app.add_subcommand("history", "Past runs, or one run's actions");
  history->add_option("run", runId, "Run number to show in detail");
  history->add_option("--limit", limit, "How many runs to list")->check(CLI::Range(1, 100000));

  std::string lockId;
  bool force = false;
  auto* unlock = app.add_subcommand("force-unlock", "Break the lock of a holder that has died");
  unlock->add_option("id", lockId, "The lock ID that hxctl printed")->required();
  unlock->add_flag("--force", force, "Break it even if its holder still seems to be running");

  std::string webUser;
  auto* webPassword = app.add_subcommand(
      "web-password", "A USER:HASH line for the daemon's --web-auth file (password on stdin)");
  webPassword->add_option("user", webUser, "The user name")->required();

  std::string migrateTo;
  auto* stateCmd = app.add_subcommand("state", "The state store itself: state migrate");
  stateCmd->require_subcommand(1);
  auto* migrate = stateCmd->add_subcommand(
      "migrate", "Copy this estate's store into a PostgreSQL database several daemons can share");
  migrate->add_option("--to", migrateTo, "postgres://USER@HOST[:PORT]/DATABASE (no password)")
      ->required();

  DaemonCliOptions daemonCli;
  auto* daemon = app.add_subcommand(
      "daemon", "Reconcile continuously: probe hosts, apply what waited on them, serve metrics");
  daemon->add_option("-f,--file", common.files, "Spec file or directory (repeatable), watched")
      ->allow_extra_args(false);
  daemon
      ->add_option("--interval", daemonCli.interval,
                   "Reconcile the whole estate this often, with 10% jitter")
      ->capture_default_str();
  daemon
      ->add_option("--recheck-heavy", daemonCli.recheckHeavy,
                   "Re-run passing load and ingest checks only this often (0s: every cycle)")
      ->capture_default_str();
  daemon->add_flag("--no-self-heal", daemonCli.noSelfHeal,
                   "Detect and report drift (metrics, log, history); change nothing");
  daemon
      ->add_option("--metrics-address", daemonCli.options.metricsAddress,
                   "HOST:PORT for /metrics, /healthz, /readyz; \"off\" for none")
      ->capture_default_str();
  daemon
      ->add_option("--lease-duration", daemonCli.leaseDuration,
                   "On a shared (postgres://) store: how long the leader's lease lasts unless "
                   "renewed; a standby takes over within it")
      ->capture_default_str();
  daemon->add_flag("--no-web", daemonCli.noWeb,
                   "Serve only /metrics, /healthz and /readyz, not the web view");
  daemon
      ->add_option("--web-auth", daemonCli.options.webAuthFile,
                   "Basic auth for the web view and /metrics: a file of USER:HASH lines "
                   "(hxctl web-password writes them)")
      ->check(CLI::ExistingFile);
  daemon->add_option("--log-format", daemonCli.logFormat, "Log lines as text or JSON")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  daemon->add_option("--lock-timeout", daemonCli.options.plan.lockTimeout,
                     "Wait this long for a running apply's lock (e.g. 30s)");
  daemon->add_flag("--prune", daemonCli.options.plan.plan.prune,
                   "Delete objects hxctl created that the specs no longer declare");
  daemon->add_flag("--allow-replace", daemonCli.options.plan.plan.allowReplace,
                   "Allow deleting and re-creating objects whose immutable fields changed");
  daemon
      ->add_option("--parallelism", daemonCli.options.plan.parallelism,
                   "Actions and observations at once")
      ->check(CLI::Range(1, 256));

  app.add_subcommand("schema",
                     "Print the JSON Schema of spec documents, for editors (yaml-language-server)");
  std::string explainPath;
  auto* explain = app.add_subcommand(
      "explain", "Describe a kind or a field from the schema: hxctl explain Collection.vectors");
  explain->add_option("field", explainPath, "KIND or KIND.field.subfield")->required();

  std::string completionShell;
  auto* completion = app.add_subcommand(
      "completion",
      "Print the shell completion script: hxctl completion bash > /etc/bash_completion.d/hxctl");
  completion->add_option("shell", completionShell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  std::string manSection;
  auto* manpage = app.add_subcommand("manpage", "Print a manual page (1: the commands, 5: specs)");
  manpage->add_option("section", manSection, "1 or 5")
      ->required()
      ->check(CLI::IsMember({"1", "5"}));
  manpage->group("");  // the build's, not the user's
  std::string completeWhat;
  auto* complete = app.add_subcommand("__complete", "Words for shell completion");
  complete->add_option("what", completeWhat, "resources, tasks or kinds")->required();
  complete->add_option("-f,--file", common.files, "Spec file or directory (repeatable)")
      ->allow_extra_args(false);
  complete->group("");

  app.add_subcommand("version", "Print the version (also --version)");
  app.add_subcommand("help", "Show this help, or a command's: hxctl help plan");
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
    sub->footer(app.get_footer());

  std::vector<std::string> args = withTerraformSpellings(argc, argv);
  std::vector<char*> argvNormal;
  for (auto& a : args) argvNormal.push_back(a.data());
  argvNormal.push_back(nullptr);
  argv = argvNormal.data();
  if (int rc = answerBeforeParsing(app, argc, argv, env); rc >= 0) return rc;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ExtrasError& e) {
    // An unknown flag: name the nearest known one of the command it was given to.
    env.err << "error: " << e.what() << nearestFlag(app, e) << "\n"
            << "Run 'hxctl help " << commandOf(app) << "' for its flags.\n";
    return exit_code::kError;
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, env.out, env.err);
    return code == 0 ? exit_code::kOk : exit_code::kError;
  }
  common.style = detectStyle(env.outIsTty, common.noColor);
  const bool schemaOnly = *app.get_subcommand("schema") || *explain || *completion || *manpage ||
                          *app.get_subcommand("web-password");  // no estate needed
  if (!*app.get_subcommand("version") && !*app.get_subcommand("help") && !schemaOnly) {
    CLI::App* command = app.get_subcommands().front();
    EstateSetup setup;
    setup.configFlag = configPath;
    const char* stateEnv = std::getenv("HXCTL_STATE");
    setup.stateGiven = app.get_option("--state")->count() > 0 || (stateEnv && *stateEnv);
    setup.needsSpecs = !*history && !*unlock && !*resume && !*reconcile && !*wait && !*complete &&
                       !*stateCmd && !(*apply && !applyCli.planFile.empty());
    setup.fillSpecs = !(*apply && !applyCli.planFile.empty());
    common.stateGiven = setup.stateGiven;
    if (int rc = setUpEstate(env, *command, common, setup); rc >= 0) return rc;
  }

  if (*app.get_subcommand("schema")) return cmdSchema(env);
  if (*completion) {
    env.out << (completionShell == "bash" ? bashCompletion(app) : zshCompletion(app));
    return exit_code::kOk;
  }
  if (*manpage) {
    env.out << (manSection == "1" ? manPageCommands(app, HXCTL_VERSION)
                                  : manPageSpecs(HXCTL_VERSION));
    return exit_code::kOk;
  }
  if (*complete) return cmdComplete(env, common, completeWhat);
  if (*explain) return cmdExplain(env, explainPath);
  if (*validate) return cmdValidate(env, common);
  if (*monitoring) return cmdMonitoringConfig(env, common, prometheusName);
  if (*plan) return cmdPlan(env, common, planOpts, planOut);
  if (*apply) return cmdApply(env, common, applyOpts, applyCli);
  if (*hosts) return cmdHosts(env, common, hostsOpts);
  if (*status) return cmdStatus(env, common, statusOpts, statusTask, refresh);
  if (*report) return cmdReport(env, common, reportOpts, reportRefresh);
  if (*exporter) return cmdExport(env, common, exportOpts, exportDir, exportRefresh);
  if (*describe) return cmdDescribe(env, common, describeWhat);
  if (*suspend) return cmdSuspend(env, common, suspendWhat, suspendReason);
  if (*resume) return cmdResume(env, common, suspendWhat);
  if (*reconcile) return cmdReconcileNow(env, common);
  if (*events) return cmdEvents(env, common, eventsOpts);
  if (*wait) return cmdWait(env, common, waitOpts);
  if (*history) return cmdHistory(env, common, runId, limit);
  if (*keys) return cmdKeys(env, common);
  if (*unlock) return cmdForceUnlock(env, common, lockId, force);
  if (*daemon) return cmdDaemon(env, common, daemonCli);
  if (*webPassword) return cmdWebPassword(env, webUser);
  if (*migrate) return cmdStateMigrate(env, common, migrateTo);
  return printVersion(env, common.json());
}

namespace {

// -o yaml (-oyaml, --output yaml, --output=yaml) rewritten to its JSON form; false when the
// arguments do not ask for YAML.
bool yamlToJsonArgs(std::vector<std::string>& args) {
  bool yaml = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if ((args[i] == "-o" || args[i] == "--output") && i + 1 < args.size() &&
        args[i + 1] == "yaml") {
      args[i + 1] = "json";
      yaml = true;
    } else if (args[i] == "-oyaml" || args[i] == "--output=yaml") {
      args[i] = args[i] == "-oyaml" ? "-ojson" : "--output=json";
      yaml = true;
    }
  }
  return yaml;
}

}  // namespace

static int runCliJson(int argc, char** argv, CliEnv& env);

int runCli(int argc, char** argv, CliEnv& env) {
  // Nothing hxctl creates is for other users unless it says so (a file written for another
  // service gets its mode explicitly): the store and its -wal, keys, tokens and their directories
  // stay private even under umask 000.
  umask(umask(0) | 077);
  std::vector<std::string> args(argv, argv + argc);
  if (yamlToJsonArgs(args)) {
    // The command's one JSON document, printed as YAML.
    std::vector<char*> jsonArgv;
    for (auto& a : args) jsonArgv.push_back(a.data());
    jsonArgv.push_back(nullptr);
    std::ostringstream json;
    CliEnv captured{env.providers,    env.prober,  env.clock, env.http,
                    env.loopbackOnly, json,        env.err,   env.outIsTty,
                    env.in,           env.inIsTty, 0};
    int rc = runCliJson(argc, jsonArgv.data(), captured);
    Json doc = Json::parse(json.str(), nullptr, false);
    env.out << (doc.is_discarded() ? json.str() : toYamlText(doc));
    return rc;
  }
  return runCliJson(argc, argv, env);
}

static int runCliJson(int argc, char** argv, CliEnv& env) {
  if (!argsWantJson(argc, argv)) return runCommand(argc, argv, env);
  TeeStreamBuf outBuf(env.out.rdbuf(), 0);
  TeeStreamBuf errBuf(env.err.rdbuf(), 64 * 1024);  // what the error document quotes
  std::ostream out(&outBuf), err(&errBuf);
  CliEnv guarded{env.providers, env.prober,   env.clock, env.http,    env.loopbackOnly, out,
                 err,           env.outIsTty, env.in,    env.inIsTty, env.columns};
  int rc = exit_code::kError;
  try {
    rc = runCommand(argc, argv, guarded);
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
  }
  out.flush();
  err.flush();
  if (rc != exit_code::kOk && outBuf.count() == 0)
    env.out << jsonErrorDocument(rc, errBuf.text()) << "\n";
  return rc;
}

}  // namespace hx
