#include "src/cli/man_page.h"

#include <sstream>

#include "reconciler/json_schema.h"
#include "reconciler/kinds.h"
#include "src/cli/exit_codes.h"

namespace hx {

namespace {

// Text as roff reads it: backslashes and hyphens escaped, no line starting with a control
// character.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::vector<const CLI::App*> commandsOf(const CLI::App& app) {
  std::vector<const CLI::App*> out;
  for (const auto* sub : app.get_subcommands([](const CLI::App* s) {
         return !s->get_group().empty();  // hidden commands have an empty group
       }))
    out.push_back(sub);
  return out;
}

std::string optionLine(const CLI::Option* o) {
  std::string names;
  for (const auto& s : o->get_snames())
    names.append(names.empty() ? "" : ", ").append("\\fB\\-").append(s).append("\\fR");
  for (const auto& l : o->get_lnames())
    names.append(names.empty() ? "" : ", ").append("\\fB\\-\\-").append(roff(l)).append("\\fR");
  if (names.empty())
    names = "\\fI" + roff(o->get_name()) + "\\fR";  // a positional
  else if (o->get_type_size() != 0)
    names += " \\fI" + roff(o->get_type_name().empty() ? "VALUE" : o->get_type_name()) + "\\fR";
  return names;
}

void options(std::ostringstream& out, const CLI::App& app) {
  for (const auto* o : app.get_options()) {
    if (o->get_name() == "--help" || o->get_lnames() == std::vector<std::string>{"help"}) continue;
    out << ".TP\n" << optionLine(o) << "\n" << roff(o->get_description()) << "\n";
  }
}

// Long flags of a command, for completion.
std::string flagsOf(const CLI::App& app) {
  std::string out;
  for (const auto* o : app.get_options())
    for (const auto& l : o->get_lnames()) out.append(out.empty() ? "" : " ").append("--").append(l);
  return out;
}

void fieldsOf(std::ostringstream& out, const Schema& s, const std::string& prefix, int depth) {
  const Schema* at = &s;
  if ((at->type == ValueType::kList || at->type == ValueType::kMap) && at->element)
    at = at->element.get();
  if (at->type == ValueType::kEither && at->element) at = at->element.get();
  for (const auto& f : at->fields) {
    const std::string path = prefix.empty() ? f.name : prefix + "." + f.name;
    out << ".TP\n\\fB" << roff(path) << "\\fR" << (f.required ? " (required)" : "") << "\n"
        << roff(describeType(f.schema)) << "\n";
    if (depth < 3) fieldsOf(out, f.schema, path, depth + 1);
  }
}

}  // namespace

std::string manPageCommands(const CLI::App& app, const std::string& version) {
  std::ostringstream out;
  out << ".TH HXCTL 1 \"\" \"hxctl " << version << "\" \"User Commands\"\n"
      << ".SH NAME\nhxctl \\- keep an on\\-prem AI estate in the state its operators declare\n"
      << ".SH SYNOPSIS\n.B hxctl\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n"
      << ".SH DESCRIPTION\n"
      << roff(app.get_description()) << " "
      << "Operators declare the estate (LLM hosts, models, Qdrant collections, firewall rules, "
         "API keys and roles, the backlog of tasks) in YAML specs; hxctl observes the live "
         "systems, plans the difference, applies it, records everything in a SQLite store, and "
         "keeps the backlog: work waiting for hosts still being installed is applied the moment "
         "they are up. The spec format is described in \\fBhxctl\\-specs\\fR(5).\n"
      << ".SH GLOBAL OPTIONS\n";
  options(out, app);
  out << ".SH COMMANDS\n";
  for (const auto* sub : commandsOf(app)) {
    out << ".SS \"hxctl " << roff(sub->get_name()) << "\"\n"
        << roff(sub->get_description()) << "\n";
    options(out, *sub);
  }
  out << ".SH EXIT STATUS\n";
  for (const auto& e : exit_code::kExitCodeMeanings)
    out << ".TP\n" << roff(e.code) << "\n" << roff(e.meaning) << ".\n";
  out << ".SH ENVIRONMENT\n"
      << ".TP\nHXCTL_STATE\nThe store (else state: in hxctl.yaml, else /var/lib/hxctl/state.db "
         "for root, else ~/.local/state/hxctl/state.db).\n"
      << ".TP\nHXCTL_CONFIG\nThe estate's hxctl.yaml.\n"
      << ".TP\nNO_COLOR\nNever color the output.\n"
      << ".SH FILES\n"
      << ".TP\n/etc/hxctl/hxctl.yaml\nThe daemon's estate: its name, specs, store and defaults.\n"
      << ".TP\n/var/lib/hxctl/state.db\nThe daemon's store.\n"
      << ".SH SEE ALSO\n\\fBhxctl\\-specs\\fR(5), \\fBufw\\fR(8), \\fBsystemctl\\fR(1)\n";
  return out.str();
}

std::string manPageSpecs(const std::string& version) {
  std::ostringstream out;
  out << ".TH HXCTL\\-SPECS 5 \"\" \"hxctl " << version << "\" \"File Formats\"\n"
      << ".SH NAME\nhxctl\\-specs \\- the YAML documents that declare an hxctl estate\n"
      << ".SH DESCRIPTION\nEach document has \\fBapiVersion: hx/v1\\fR, a \\fBkind\\fR, "
         "\\fBmetadata\\fR (\\fBname\\fR, optional \\fBlabels\\fR) and a \\fBspec\\fR, whose "
         "fields follow for each kind. Secrets are never values: \\fB{env: NAME}\\fR or "
         "\\fB{file: PATH}\\fR. \\fBhxctl explain KIND.field\\fR says the same from the command "
         "line; \\fBhxctl schema\\fR prints a JSON Schema for editors.\n";
  for (const auto& k : kinds()) {
    if (k.derived) continue;
    out << ".SH \"KIND " << roff(k.name) << "\"\n";
    if (k.managed) out << "hxctl creates, changes and deletes these objects.\n";
    fieldsOf(out, k.spec, "spec", 0);
  }
  out << ".SH SEE ALSO\n\\fBhxctl\\fR(1)\n";
  return out.str();
}

std::string bashCompletion(const CLI::App& app) {
  std::string commands, flagCases;
  for (const auto* sub : commandsOf(app)) {
    commands += (commands.empty() ? "" : " ") + sub->get_name();
    flagCases +=
        "      " + sub->get_name() + ") flags=\"" + flagsOf(*sub) + " " + flagsOf(app) + "\" ;;\n";
  }
  return "# bash completion for hxctl, generated by `hxctl completion bash`.\n"
         "_hxctl() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
         "  local commands=\"" +
         commands +
         "\"\n"
         "  local cmd=\"\" i specs=()\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    case \"${COMP_WORDS[i]}\" in\n"
         "      -f|--file|--config|--state) specs+=(\"${COMP_WORDS[i]}\" \"${COMP_WORDS[i+1]}\"); "
         "((i++)) ;;\n"
         "      -o|--output) ((i++)) ;;\n"
         "      -*) ;;\n"
         "      *) [[ -z \"$cmd\" ]] && cmd=\"${COMP_WORDS[i]}\" ;;\n"
         "    esac\n"
         "  done\n"
         "  case \"$prev\" in\n"
         "    -f|--file|--config|--state) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
         "    -o|--output) COMPREPLY=($(compgen -W \"text json yaml\" -- \"$cur\")); return ;;\n"
         "    --target) COMPREPLY=($(compgen -W \"$(hxctl __complete resources \"${specs[@]}\" "
         "2>/dev/null)\" -- \"$cur\")); return ;;\n"
         "  esac\n"
         "  if [[ -z \"$cmd\" ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\")); return\n"
         "  fi\n"
         "  if [[ \"$cur\" == -* ]]; then\n"
         "    local flags=\"\"\n"
         "    case \"$cmd\" in\n" +
         flagCases +
         "    esac\n"
         "    COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\")); return\n"
         "  fi\n"
         "  case \"$cmd\" in\n"
         "    status) COMPREPLY=($(compgen -W \"$(hxctl __complete tasks \"${specs[@]}\" "
         "2>/dev/null)\" -- \"$cur\")) ;;\n"
         "    describe|suspend|resume|wait) COMPREPLY=($(compgen -W \"$(hxctl __complete resources "
         "\"${specs[@]}\" 2>/dev/null)\" -- \"$cur\")) ;;\n"
         "    explain) COMPREPLY=($(compgen -W \"$(hxctl __complete kinds 2>/dev/null)\" -- "
         "\"$cur\")) ;;\n"
         "    help) COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\")) ;;\n"
         "    apply) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
         "  esac\n"
         "}\n"
         "complete -F _hxctl hxctl\n";
}

std::string zshCompletion(const CLI::App& app) {
  std::string commands, flagCases;
  for (const auto* sub : commandsOf(app)) {
    std::string desc = sub->get_description();
    for (auto& c : desc)
      if (c == '\'' || c == ':') c = ' ';
    commands += "    '" + sub->get_name() + ":" + desc + "'\n";
    flagCases +=
        "      " + sub->get_name() + ") compadd -- " + flagsOf(*sub) + " " + flagsOf(app) + " ;;\n";
  }
  return "#compdef hxctl\n"
         "# zsh completion for hxctl, generated by `hxctl completion zsh`.\n"
         "_hxctl() {\n"
         "  local -a commands\n"
         "  commands=(\n" +
         commands +
         "  )\n"
         "  local cmd=${words[(r)[^-]*~hxctl]}\n"
         "  case ${words[CURRENT-1]} in\n"
         "    -f|--file|--config|--state) _files; return ;;\n"
         "    -o|--output) compadd text json yaml; return ;;\n"
         "    --target) compadd -- ${(f)\"$(hxctl __complete resources 2>/dev/null)\"}; return ;;\n"
         "  esac\n"
         "  if (( CURRENT == 2 )) || [[ -z $cmd ]]; then\n"
         "    _describe 'command' commands; return\n"
         "  fi\n"
         "  if [[ $PREFIX == -* ]]; then\n"
         "    case $cmd in\n" +
         flagCases +
         "    esac\n"
         "    return\n"
         "  fi\n"
         "  case $cmd in\n"
         "    status) compadd -- ${(f)\"$(hxctl __complete tasks 2>/dev/null)\"} ;;\n"
         "    describe|suspend|resume|wait) compadd -- ${(f)\"$(hxctl __complete resources "
         "2>/dev/null)\"} ;;\n"
         "    explain) compadd -- ${(f)\"$(hxctl __complete kinds 2>/dev/null)\"} ;;\n"
         "    apply) _files ;;\n"
         "  esac\n"
         "}\n"
         "_hxctl \"$@\"\n";
}

}  // namespace hx
