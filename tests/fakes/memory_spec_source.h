// Spec files held in memory, in the order given: the loader cannot tell them from disk.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "reconciler/spec_source.h"

namespace hx::fake {

class MemorySpecSource : public SpecSource {
 public:
  void add(std::string name, std::string text) {
    order_.push_back(name);
    files_[std::move(name)] = std::move(text);
  }
  Result<std::vector<std::string>> list(const std::string& path) override {
    std::vector<std::string> out;
    for (const auto& name : order_)
      if (name == path || name.rfind(path + "/", 0) == 0) out.push_back(name);
    if (out.empty()) return Status::error(ErrorKind::kInvalidSpec, "no such file or directory");
    return out;
  }
  Result<std::string> read(const std::string& file) override { return files_.at(file); }

 private:
  std::vector<std::string> order_;
  std::map<std::string, std::string> files_;
};

}  // namespace hx::fake
