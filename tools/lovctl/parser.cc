// lovctl's command line on CLI11: each command registered by a
// *_commands.cc file (Registrar) becomes a subcommand of its group, with the
// flags its usage declares (FlagsOf); the flags every command takes belong
// to lovctl itself and may come before or after the command.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "cli.h"
#include "device_login.h"
#include "lov/platform/clock.h"

#ifndef LOV_VERSION
#define LOV_VERSION "unknown"
#endif

namespace lov::cli {

std::vector<FlagSpec> FlagsOf(const std::string& usage) {
  auto name_char = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  };
  std::vector<FlagSpec> flags;
  std::set<std::string> seen;
  for (size_t i = usage.find("--"); i != std::string::npos;
       i = usage.find("--", i)) {
    size_t end = i + 2;
    if (end >= usage.size() ||
        !std::islower(static_cast<unsigned char>(usage[end]))) {
      i = end;
      continue;
    }
    while (end < usage.size() && name_char(usage[end])) ++end;
    const std::string name = usage.substr(i + 2, end - i - 2);
    std::string value;
    if (end + 1 < usage.size() && usage[end] == ' ' && usage[end + 1] != ' ') {
      size_t v = end + 1;
      while (v < usage.size() &&
             !std::isspace(static_cast<unsigned char>(usage[v]))) {
        ++v;
      }
      std::string token = usage.substr(end + 1, v - end - 1);
      while (!token.empty() &&
             std::string("]),").find(token.back()) != std::string::npos) {
        token.pop_back();
      }
      if (!token.empty() &&
          std::string("-([").find(token[0]) == std::string::npos &&
          (std::isupper(static_cast<unsigned char>(token[0])) ||
           token.find_first_of("|,:") != std::string::npos)) {
        value = token;
      }
    }
    if (seen.insert(name).second) flags.push_back({name, value});
    i = end;
  }
  return flags;
}

const std::vector<FlagSpec>& GlobalFlags() {
  static const auto* flags =
      new std::vector<FlagSpec>{{"registry", "HOST:PORT"},
                                {"choice", "HOST:PORT"},
                                {"visits", "HOST:PORT"},
                                {"settlement", "HOST:PORT"},
                                {"audit", "HOST:PORT"},
                                {"followup", "HOST:PORT"},
                                {"ca", "FILE"},
                                {"cert", "FILE"},
                                {"key", "FILE"},
                                {"json", ""},
                                {"request-id", "ID"}};
  return *flags;
}

std::string Version() { return LOV_VERSION; }

namespace {

constexpr char kFooter[] =
    "Global flags (or environment), before or after the command:\n"
    "  --registry HOST:PORT    registry service   (LOV_REGISTRY_TARGET, "
    "default 127.0.0.1:50051)\n"
    "  --choice HOST:PORT      choice service     (LOV_CHOICE_TARGET, default "
    "127.0.0.1:50052)\n"
    "  --visits HOST:PORT      visits service     (LOV_VISITS_TARGET, default "
    "127.0.0.1:50053)\n"
    "  --settlement HOST:PORT  settlement service (LOV_SETTLEMENT_TARGET, "
    "default 127.0.0.1:50054)\n"
    "  --audit HOST:PORT       audit log service  (LOV_AUDIT_TARGET, default "
    "127.0.0.1:50056)\n"
    "  --followup HOST:PORT    follow-up service  (LOV_FOLLOWUP_TARGET, "
    "default 127.0.0.1:50057)\n"
    "  --ca FILE               CA the services' certificates chain to "
    "(LOV_TLS_CA)\n"
    "  --cert FILE, --key FILE your client certificate and key "
    "(LOV_TLS_CLIENT_CERT,\n"
    "                          LOV_TLS_CLIENT_KEY; make run: . "
    ".run/lovctl.env)\n"
    "  --json                  print JSON instead of tables\n"
    "  --request-id ID         for writes: retrying with the same id changes "
    "nothing\n"
    "  -h, --help              this help (every command has its own)\n"
    "  --version               lovctl's version\n"
    "Signing in (environment only: argv is visible to others):\n"
    "  LOV_TOKEN               the bearer token every call carries\n"
    "  LOV_TOKEN_FILE          else the file holding it (lovctl login writes "
    "it;\n"
    "                          a sign-in at the identity provider is renewed "
    "there\n"
    "                          with its refresh token when it is about to "
    "expire)\n"
    "Exit codes:\n"
    "  0  done\n"
    "  1  the service refused or failed, or could not be reached\n"
    "  2  wrong usage: an unknown command or flag, a missing or malformed "
    "value\n"
    "     (also when the service refuses a value: INVALID_ARGUMENT)\n"
    "Shell completion: source <(lovctl completion bash)";

// Lists every command under an app by its full name ("provider register"),
// so `lovctl --help` and `lovctl provider --help` show what to type.
class Formatter : public CLI::Formatter {
 public:
  std::string make_subcommands(const CLI::App* app,
                               CLI::AppFormatMode mode) const override {
    if (mode != CLI::AppFormatMode::Normal) {
      return CLI::Formatter::make_subcommands(app, mode);
    }
    std::string prefix;  // the app's own name below lovctl
    for (const CLI::App* a = app; a->get_parent() != nullptr;
         a = a->get_parent()) {
      prefix = prefix.empty() ? a->get_name() : a->get_name() + " " + prefix;
    }
    std::vector<std::pair<std::string, std::string>> rows;
    Collect(app, prefix, rows);
    if (rows.empty()) return "";
    std::sort(rows.begin(), rows.end());
    std::stringstream out;
    out << "\nCommands:\n";
    for (const auto& [name, summary] : rows) {
      out << "  " << name
          << std::string(name.size() < 28 ? 28 - name.size() : 1, ' ')
          << summary << "\n";
    }
    return out.str();
  }

 private:
  static void Collect(const CLI::App* app, const std::string& prefix,
                      std::vector<std::pair<std::string, std::string>>& rows) {
    for (const CLI::App* sub : app->get_subcommands({})) {
      const std::string name =
          prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
      if (sub->get_subcommands({}).empty()) {
        // A command's description is its summary, a blank line, its usage.
        const std::string& description = sub->get_description();
        rows.emplace_back(name, description.substr(0, description.find('\n')));
      } else {
        Collect(sub, name, rows);
      }
    }
  }
};

// A word that may be a personnummer is never echoed (10 or 12 digits).
bool LooksLikePersonnummer(const std::string& word) {
  static const std::regex kPnr(R"(\d{6}(\d{2})?[-+]?\d{4})");
  return std::regex_search(word, kPnr);
}

struct Built {
  const Command* command = nullptr;
  CLI::App* app = nullptr;
};

// The options for a command's flags, on `sub`.
void AddFlags(CLI::App* sub, const Command& command) {
  std::set<std::string> global;
  for (const FlagSpec& g : GlobalFlags()) global.insert(g.name);
  for (const FlagSpec& f : FlagsOf(command.usage)) {
    if (global.count(f.name)) continue;
    if (f.value.empty()) {
      sub->add_flag("--" + f.name)->group("Options");
      continue;
    }
    std::string names = "--" + f.name;
    if (f.name == command.positional) names += "," + f.name;
    sub->add_option(names)
        ->type_name(f.value)
        ->multi_option_policy(command.repeated.count(f.name)
                                  ? CLI::MultiOptionPolicy::TakeAll
                                  : CLI::MultiOptionPolicy::TakeLast)
        ->group("Options");
  }
}

// The chain of subcommands the command line chose: root, group, command.
std::vector<CLI::App*> Chosen(CLI::App& root) {
  std::vector<CLI::App*> chain = {&root};
  for (CLI::App* app = &root;;) {
    std::vector<CLI::App*> subs = app->get_subcommands();
    if (subs.empty()) return chain;
    app = subs.front();
    chain.push_back(app);
  }
}

std::string PathOf(const std::vector<CLI::App*>& chain) {
  std::vector<std::string> names;
  for (size_t i = 1; i < chain.size(); ++i) {
    names.push_back(chain[i]->get_name());
  }
  return absl::StrJoin(names, " ");
}

// One line naming what is wrong with the command line.
std::string UsageError(CLI::App& root, const CLI::ParseError& e) {
  const std::vector<CLI::App*> chain = Chosen(root);
  const std::string path = PathOf(chain);
  const std::string see =
      absl::StrCat(" (see lovctl ", path, path.empty() ? "" : " ", "--help)");
  const std::string where = path.empty() ? "" : path + ": ";
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    std::vector<std::string> extras;  // in command-line order
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      for (const std::string& w : (*it)->remaining()) extras.push_back(w);
    }
    for (const std::string& word : extras) {
      if (word.rfind("-", 0) != 0 || word.size() < 2) continue;
      const std::string flag = word.substr(0, word.find('='));
      if (flag == "--personnummer") {
        return "--personnummer: a personnummer is not taken from the command "
               "line (others can read it in `ps` and it stays in the shell "
               "history); give it on standard input with "
               "--personnummer-stdin, or at the prompt";
      }
      return absl::StrCat(where, "unknown flag ", flag, see);
    }
    if (!extras.empty()) {
      const std::string& word = extras.front();
      const bool command_chosen =
          chain.size() > 1 && chain.back()->get_subcommands({}).empty();
      if (LooksLikePersonnummer(word)) {
        return absl::StrCat(where,
                            "unexpected argument that looks like a "
                            "personnummer: never give one on the command "
                            "line (--personnummer-stdin)",
                            see);
      }
      if (!command_chosen) {
        return absl::StrCat("unknown command '", path, path.empty() ? "" : " ",
                            word, "'", see);
      }
      return absl::StrCat(where, "unexpected argument '", word,
                          "' (flags are --name=value)", see);
    }
  }
  std::string what = e.what();
  std::replace(what.begin(), what.end(), '\n', ' ');
  return absl::StrCat(where, what, see);
}

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// lovctl with every registered command; `built` maps each command's app to
// its command.
void Build(CLI::App& app, std::vector<Built>& built) {
  app.formatter(std::make_shared<Formatter>());
  app.footer(kFooter);
  app.fallthrough();
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", "lovctl " + Version(), "lovctl's version");
  for (const FlagSpec& f : GlobalFlags()) {
    CLI::Option* o =
        f.value.empty()
            ? app.add_flag("--" + f.name)
            : app.add_option("--" + f.name)
                  ->type_name(f.value)
                  ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    o->group("");  // described in the footer, with the environment
  }
  std::vector<const Command*> sorted;
  for (const Command& c : Commands()) sorted.push_back(&c);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
    return std::tie(a->group, a->name) < std::tie(b->group, b->name);
  });
  std::map<std::string, CLI::App*> groups;
  for (const Command* c : sorted) {
    CLI::App* sub = nullptr;
    if (c->name.empty()) {
      sub = app.add_subcommand(c->group, c->summary);
    } else {
      CLI::App*& group = groups[c->group];
      if (group == nullptr) {
        group = app.add_subcommand(c->group, c->group + " commands");
        group->require_subcommand(0, 1);
        group->fallthrough();
        group->footer(kFooter);
      }
      sub = group->add_subcommand(c->name, c->summary);
    }
    sub->fallthrough();
    sub->footer(kFooter);
    sub->description(c->summary + (c->usage.empty() ? "" : "\n\n" + c->usage));
    AddFlags(sub, *c);
    built.push_back({c, sub});
  }
}

// A sign-in at the identity provider that expires within this margin is
// renewed before the command's calls (RefreshSignIn); `login` replaces it
// and `completion` makes no call, so neither renews.
constexpr absl::Duration kRenewMargin = absl::Seconds(60);
// During the command, before each later call and stream (a long `visit
// upload` opens one per batch): the services check a token when a call
// starts, so it need only outlive that moment.
constexpr absl::Duration kRenewMarginDuringCommand = absl::Seconds(10);

absl::Status RenewSignIn(const Command& command,
                         absl::Duration margin = kRenewMargin) {
  const char* token = std::getenv("LOV_TOKEN");
  const char* file = std::getenv("LOV_TOKEN_FILE");
  if ((token != nullptr && *token != '\0') || file == nullptr ||
      *file == '\0' || command.group == "login" ||
      command.group == "completion") {
    return absl::OkStatus();
  }
  SystemClock clock;
  return RefreshSignIn(file, margin, &clock);
}

}  // namespace

int Main(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "lovctl: staff and provider command line for the LOV choice "
      "platform",
      "lovctl"};
  std::vector<Built> built;
  Build(app, built);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      app.exit(e, out, err);  // --help, --version
      return 0;
    }
    err << "lovctl: " << UsageError(app, e) << "\n";
    return 2;
  }
  const std::vector<CLI::App*> chain = Chosen(app);
  const Built* chosen = nullptr;
  for (const Built& b : built) {
    if (b.app == chain.back()) chosen = &b;
  }
  if (chosen == nullptr) {  // no command, or a group without one
    err << chain.back()->help(chain.size() > 1 ? "lovctl" : "");
    return 2;
  }
  const Command& command = *chosen->command;
  Args args;
  for (const FlagSpec& f : FlagsOf(command.usage)) args.Declare(f.name);
  for (const FlagSpec& f : GlobalFlags()) args.Declare(f.name);
  // Never a flag, but looked for to refuse it with a reason (the parser
  // refuses it first).
  args.Declare("personnummer");
  for (const CLI::Option* o : chosen->app->get_options()) {
    if (o->count() == 0 || o->get_name() == "--help") continue;
    std::string name =
        o->get_lnames().empty() ? o->get_name() : o->get_lnames().front();
    // A switch's value (--accepting=false) is checked by Args::Bool; a
    // repeated flag's values are joined with NUL (Args::All).
    if (command.repeated.count(name)) {
      args.Set(name, absl::StrJoin(o->results(), std::string(1, '\0')));
      continue;
    }
    args.Set(name, o->get_expected_min() == 0
                       ? (o->results().empty() ? "true" : o->results().back())
                       : o->as<std::string>());
  }
  auto global = [&](const std::string& name, const std::string& fallback) {
    const CLI::Option* o = app.get_option("--" + name);
    return o->count() > 0 ? o->as<std::string>() : fallback;
  };
  if (const CLI::Option* id = app.get_option("--request-id"); id->count()) {
    args.Set("request-id", id->as<std::string>());
  }
  Context ctx;
  ctx.out = &out;
  ctx.targets = {
      {"registry",
       global("registry", EnvOr("LOV_REGISTRY_TARGET", "127.0.0.1:50051"))},
      {"choice",
       global("choice", EnvOr("LOV_CHOICE_TARGET", "127.0.0.1:50052"))},
      {"visits",
       global("visits", EnvOr("LOV_VISITS_TARGET", "127.0.0.1:50053"))},
      {"settlement",
       global("settlement", EnvOr("LOV_SETTLEMENT_TARGET", "127.0.0.1:50054"))},
      {"audit", global("audit", EnvOr("LOV_AUDIT_TARGET", "127.0.0.1:50056"))},
      {"followup",
       global("followup", EnvOr("LOV_FOLLOWUP_TARGET", "127.0.0.1:50057"))}};
  ctx.json = app.get_option("--json")->count() > 0 &&
             app.get_option("--json")->as<bool>();
  ctx.tls = ClientTls::FromEnv();
  ctx.tls.ca_file = global("ca", ctx.tls.ca_file);
  ctx.tls.cert_file = global("cert", ctx.tls.cert_file);
  ctx.tls.key_file = global("key", ctx.tls.key_file);
  const std::string path = PathOf(chain);
  if (absl::Status tls = ctx.tls.Validate(); !tls.ok()) {
    err << "lovctl: " << tls.message() << "\n";
    return 2;
  }
  if (absl::Status renewed = RenewSignIn(command); !renewed.ok()) {
    err << "lovctl: " << path << ": " << renewed.message() << "\n";
    return 1;
  }
  ctx.token = SignInToken();
  ctx.renew = [&command] {
    return RenewSignIn(command, kRenewMarginDuringCommand);
  };
  absl::Status status = command.run(ctx, args);
  if (status.ok()) status = args.Check();
  if (!status.ok()) {
    std::string msg(status.message());
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    // A credential is never shown, even if a service echoed it.
    if (!ctx.token.empty()) {
      msg = absl::StrReplaceAll(msg, {{ctx.token, "[token]"}});
    }
    err << "lovctl: " << path << ": " << msg << "\n";
    return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  return 0;
}

std::string BashCompletion() {
  std::map<std::string, std::vector<std::string>> commands;  // group -> names
  std::stringstream cases;
  std::vector<std::string> global_words;
  std::vector<std::string> global_valued;
  for (const FlagSpec& f : GlobalFlags()) {
    global_words.push_back("--" + f.name);
    if (!f.value.empty()) global_valued.push_back("--" + f.name);
  }
  global_words.push_back("--version");  // --help is in every command's list
  for (const Command& c : Commands()) {
    commands[c.group].push_back(c.name);
    std::vector<std::string> flags = {"--help"};
    for (const FlagSpec& f : FlagsOf(c.usage)) flags.push_back("--" + f.name);
    cases << "    \"" << c.group << (c.name.empty() ? "" : " ") << c.name
          << "\") flags=\"" << absl::StrJoin(flags, " ") << "\" ;;\n";
  }
  std::stringstream groups;
  std::vector<std::string> group_names;
  for (auto& [group, names] : commands) {
    group_names.push_back(group);
    std::sort(names.begin(), names.end());
    if (names.size() == 1 && names.front().empty()) continue;
    groups << "    " << group << ") subs=\"" << absl::StrJoin(names, " ")
           << "\" ;;\n";
  }
  std::stringstream s;
  s << "# bash completion for lovctl (lovctl completion bash)\n"
    << "_lovctl() {\n"
    << "  local cur=${COMP_WORDS[COMP_CWORD]} words=() i w skip=0\n"
    << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
    << "    w=${COMP_WORDS[i]}\n"
    << "    if ((skip)); then skip=0; continue; fi\n"
    << "    case \"$w\" in\n"
    << "      " << absl::StrJoin(global_valued, "|") << ") skip=1 ;;\n"
    << "      -*) ;;\n"
    << "      *) words+=(\"$w\") ;;\n"
    << "    esac\n"
    << "  done\n"
    << "  local subs=\"\" flags=\"\"\n"
    << "  if ((${#words[@]} == 0)); then\n"
    << "    subs=\"" << absl::StrJoin(group_names, " ") << "\"\n"
    << "  elif ((${#words[@]} == 1)); then\n"
    << "    case \"${words[0]}\" in\n"
    << groups.str() << "    esac\n"
    << "  fi\n"
    << "  case \"${words[*]:0:2}\" in\n"
    << cases.str() << "  esac\n"
    << "  if [[ $cur == -* || -z $subs ]]; then\n"
    << "    COMPREPLY=($(compgen -W \"$flags "
    << absl::StrJoin(global_words, " ") << "\" -- \"$cur\"))\n"
    << "  else\n"
    << "    COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n"
    << "  fi\n"
    << "}\n"
    << "complete -o default -F _lovctl lovctl\n";
  return s.str();
}

}  // namespace lov::cli
