// lovctl's command line without services: help on every command, the
// version, CLI11's errors for unknown commands and flags (exit 2, one line),
// flags declared by each command's usage, and shell completion.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"

namespace lov::cli {
namespace {

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

Result Lovctl(std::vector<std::string> words) {
  words.insert(words.begin(), "lovctl");
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  std::stringstream out, err;
  const int code = Main(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

int Lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(LovctlCliTest, ShortAndLongHelpListEveryCommandAndTheExitCodes) {
  for (const std::string help : {"-h", "--help"}) {
    Result r = Lovctl({help});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    for (const Command& c : Commands()) {
      EXPECT_NE(r.out.find("  " + c.group + (c.name.empty() ? "" : " ") +
                           c.name + " "),
                std::string::npos)
          << c.group << " " << c.name << " missing in\n"
          << r.out;
    }
    EXPECT_NE(r.out.find("Exit codes:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2  wrong usage"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("LOV_VISITS_TARGET"), std::string::npos) << r.out;
  }
}

TEST(LovctlCliTest, EveryCommandAndGroupHasHelp) {
  std::set<std::string> groups;
  for (const Command& c : Commands()) {
    std::vector<std::string> words = {c.group};
    if (!c.name.empty()) {
      words.push_back(c.name);
      groups.insert(c.group);
    }
    for (const std::string help : {"-h", "--help"}) {
      std::vector<std::string> args = words;
      args.push_back(help);
      Result r = Lovctl(args);
      EXPECT_EQ(r.exit_code, 0) << c.group << " " << c.name << ": " << r.err;
      EXPECT_NE(r.out.find(c.summary), std::string::npos) << r.out;
      for (const FlagSpec& f : FlagsOf(c.usage)) {
        EXPECT_NE(r.out.find("--" + f.name), std::string::npos)
            << c.group << " " << c.name << " --" << f.name << "\n"
            << r.out;
      }
      EXPECT_NE(r.out.find("Exit codes:"), std::string::npos) << r.out;
    }
  }
  for (const std::string& g : groups) {
    Result r = Lovctl({g, "--help"});
    EXPECT_EQ(r.exit_code, 0) << g << ": " << r.err;
    for (const Command& c : Commands()) {
      if (c.group == g) {
        EXPECT_NE(r.out.find(g + " " + c.name), std::string::npos) << r.out;
      }
    }
  }
}

TEST(LovctlCliTest, VersionIsTheProjectVersion) {
  Result r = Lovctl({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "lovctl " + Version() + "\n");
  EXPECT_NE(Version(), "unknown");
  EXPECT_NE(Version().find('.'), std::string::npos) << Version();
}

TEST(LovctlCliTest, UnknownFlagsAndCommandsAreOneLineWithExitTwo) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"provider", "list", "--colour", "red"},
       "lovctl: provider list: unknown flag --colour (see lovctl provider "
       "list --help)\n"},
      {{"provider", "list", "--colour=red"},
       "lovctl: provider list: unknown flag --colour (see lovctl provider "
       "list --help)\n"},
      {{"provider", "fly"},
       "lovctl: unknown command 'provider fly' (see lovctl provider --help)\n"},
      {{"fly"}, "lovctl: unknown command 'fly' (see lovctl --help)\n"},
      {{"provider", "list", "extra"},
       "lovctl: provider list: unexpected argument 'extra' (flags are "
       "--name=value) (see lovctl provider list --help)\n"},
      // A switch takes no value.
      {{"provider", "list", "--accepting=maybe"}, "--accepting"},
      // A flag that needs a value.
      {{"provider", "show", "--id"}, "--id"},
  };
  for (const Case& c : cases) {
    Result r = Lovctl(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args.back() << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
}

TEST(LovctlCliTest, APersonnummerOnTheCommandLineIsRefusedAndNotEchoed) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"client", "register", "--zone", "stad", "--personnummer",
            "19121212-1212"},
           {"client", "register", "--zone", "stad", "191212121212"}}) {
    Result r = Lovctl(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_EQ(r.err.find("1212"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("personnummer"), std::string::npos) << r.err;
  }
}

TEST(LovctlCliTest, NoCommandPrintsHelpToStandardErrorWithExitTwo) {
  Result r = Lovctl({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("provider register"), std::string::npos) << r.err;
  r = Lovctl({"provider"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("provider cap"), std::string::npos) << r.err;
}

// Values and switches as the usage declares them; the last of a repeated
// flag counts; a negative number is a value.
TEST(LovctlCliTest, UsageDeclaresValuesAndSwitches) {
  std::vector<FlagSpec> flags = FlagsOf(
      "  --id PROVIDER_ID  --zone ZONE  (--max-clients N | --no-cap)\n"
      "  [--reason TEXT]  [--open]  --kind private|in-house  --email EMAIL, "
      "--phone PHONE  --all (reviewed too)  --double --second-staff S\n"
      "  --granted CATEGORY:MINUTES[,...]  --accepting  only those; --id "
      "again");
  std::vector<std::pair<std::string, std::string>> got;
  for (const FlagSpec& f : flags) got.emplace_back(f.name, f.value);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"id", "PROVIDER_ID"},
      {"zone", "ZONE"},
      {"max-clients", "N"},
      {"no-cap", ""},
      {"reason", "TEXT"},
      {"open", ""},
      {"kind", "private|in-house"},
      {"email", "EMAIL"},
      {"phone", "PHONE"},
      {"all", ""},
      {"double", ""},
      {"second-staff", "S"},
      {"granted", "CATEGORY:MINUTES[,..."},
      {"accepting", ""}};
  EXPECT_EQ(got, want);
}

TEST(LovctlCliTest, ReadingAFlagTheUsageDoesNotDeclareIsABug) {
  Args args;
  args.Declare("id");
  args.Set("id", "p1");
  EXPECT_EQ(args.Get("id"), "p1");
  EXPECT_TRUE(args.Check().ok());
  EXPECT_EQ(args.Get("zone"), "");
  absl::Status s = args.Check();
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(s.message(),
            "lovctl bug: the command reads --zone, which its usage does not "
            "declare (Command::usage)");
}

TEST(LovctlCliTest, VisitUploadTakesTheFileAsAnArgument) {
  Result r = Lovctl({"visit", "upload", "/nonexistent/visits.jsonl"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err,
            "lovctl: visit upload: --file: cannot read "
            "/nonexistent/visits.jsonl\n");
  r = Lovctl({"visit", "upload", "--file", "/nonexistent/visits.jsonl"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot read /nonexistent/visits.jsonl"),
            std::string::npos);
  r = Lovctl({"visit", "upload", "--batch", "0", "/nonexistent/v.jsonl"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--batch: 0 is not between 1 and 100000"),
            std::string::npos)
      << r.err;
}

// The distance travelled is given in km with at most three decimals (whole
// metres); anything else is refused before a service is called.
TEST(LovctlCliTest, VisitReportTakesTheTravelDistanceInKilometres) {
  const std::vector<std::string> visit = {"visit",       "report",
                                          "--provider",  "p",
                                          "--report-id", "r",
                                          "--client",    "c",
                                          "--category",  "x",
                                          "--staff",     "s",
                                          "--start",     "2025-03-04T10:00",
                                          "--end",       "2025-03-04T11:00"};
  for (const std::string km :
       {"12,5", "1.2345", "-3", "12.", ".5", "1e3", "1234567", "ten"}) {
    std::vector<std::string> args = visit;
    args.insert(args.end(), {"--travel-km", km});
    Result r = Lovctl(args);
    EXPECT_EQ(r.exit_code, 2) << km << ": " << r.err;
    EXPECT_NE(r.err.find("--travel-km: '" + km +
                         "' is not kilometres with at most three decimals"),
              std::string::npos)
        << km << ": " << r.err;
  }
  Result help = Lovctl({"visit", "report", "--help"});
  EXPECT_NE((help.out + help.err).find("--travel-km KM"), std::string::npos)
      << help.out << help.err;
}

TEST(LovctlCliTest, BashCompletionNamesEveryCommandAndItsFlags) {
  Result r = Lovctl({"completion", "bash"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("complete -o default -F _lovctl lovctl"),
            std::string::npos);
  EXPECT_NE(r.out.find("\"provider cap\") flags=\"--help --id --zone "
                       "--max-clients --no-cap --max-hours "
                       "--effective-date\""),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("provider) subs=\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace lov::cli
