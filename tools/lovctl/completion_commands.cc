// lovctl completion bash: shell completion for every command and flag.
#include "cli.h"

namespace lov::cli {
namespace {

absl::Status Bash(Context& ctx, Args& args) {
  if (absl::Status s = args.Check(); !s.ok()) return s;
  *ctx.out << BashCompletion();
  return absl::OkStatus();
}

const Registrar registrar({
    {"completion", "bash",
     "print a bash completion script: source <(lovctl completion bash)", "",
     Bash},
});

}  // namespace
}  // namespace lov::cli
