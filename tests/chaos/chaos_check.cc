// The chaos suite's checker: reads every event and dead-letter topic from
// the beginning as an outside subscriber (the read-only lov-reader user of
// the run dir, deploy/kafka/reader-user.yaml) and holds the log to the
// promises of ledger.h; prints what it found and exits 1 on any violation,
// 2 if it could not check.
//
//   chaos_check --env-file=RUN_DIR/env --topics=T1,T2,... [--ack-log=FILE]...
//
// Without an --ack-log file (or with none that exists) the acknowledged
// visits are not checked, the other promises are.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "ledger.h"
#include "test_stack.h"

namespace {

struct Flags {
  std::string env_file;
  std::vector<std::string> topics;
  std::vector<std::string> ack_logs;
};

[[noreturn]] void Usage(const std::string& why) {
  std::cerr << "chaos_check: " << why
            << "\nusage: chaos_check --env-file=RUN_DIR/env "
               "--topics=T1,T2,... [--ack-log=FILE]...\n";
  std::exit(2);
}

Flags Parse(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    const std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (absl::StartsWith(arg, "--env-file=")) {
      flags.env_file = value;
    } else if (absl::StartsWith(arg, "--topics=")) {
      flags.topics = absl::StrSplit(value, ',', absl::SkipEmpty());
    } else if (absl::StartsWith(arg, "--ack-log=")) {
      flags.ack_logs.push_back(value);
    } else {
      Usage("unknown flag '" + arg + "'");
    }
  }
  if (flags.env_file.empty()) Usage("--env-file is required");
  if (flags.topics.empty()) Usage("--topics is required");
  return flags;
}

// The acknowledgements of every ack log that exists; false if none does.
bool ReadAcks(const std::vector<std::string>& files,
              std::vector<lov::chaos::Ack>& acks) {
  bool any = false;
  for (const std::string& file : files) {
    std::ifstream in(file);
    if (!in) continue;
    any = true;
    std::stringstream text;
    text << in.rdbuf();
    for (auto& ack : lov::chaos::ParseAckLog(text.str()))
      acks.push_back(std::move(ack));
  }
  return any;
}

void Print(const lov::chaos::Findings& f, bool have_acks) {
  std::cout << "chaos-check: events read: " << f.events
            << " (undecodable: " << f.undecodable << ")\n";
  if (have_acks) {
    std::cout << "chaos-check: acknowledged reports: " << f.acknowledged
              << ", never decided (given up): " << f.given_up << "\n"
              << "chaos-check: acknowledged writes lost: " << f.lost << "\n"
              << "chaos-check: acknowledged with another outcome than "
                 "logged: "
              << f.wrong_outcome << "\n";
  } else {
    std::cout << "chaos-check: no ack log: acknowledged reports not checked\n";
  }
  std::cout << "chaos-check: visits decided more than once: " << f.decided_twice
            << "\n"
            << "chaos-check: approved statements: " << f.approvals
            << ", approved more than once: " << f.double_approvals << "\n"
            << "chaos-check: visits paid: " << f.paid_visits
            << ", double payments: " << f.double_paid
            << ", accepted visits unpaid: " << f.unpaid << "\n"
            << "chaos-check: cap checks: " << f.cap_checks
            << ", cap violations: " << f.cap_violations << "\n"
            << "chaos-check: places taken under an hours cap: "
            << f.hours_checks << ", beyond it: " << f.hours_violations << "\n"
            << "chaos-check: dead letters: " << f.dead_letters << "\n";
  for (const std::string& p : f.problems) std::cout << "  " << p << "\n";
  std::cout << "chaos-check: " << (f.ok() ? "PASS" : "FAIL") << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = Parse(argc, argv);
  // The run dir's env file, read as the integration tests read theirs.
  setenv("LOV_TEST_ENV_FILE", flags.env_file.c_str(), 1);
  lov::chaos::Ledger ledger;
  const absl::Status read =
      lov::ReplayTopics(lov::testing::Stack().reader("chaos-check"),
                        flags.topics, [&](const lov::CloudEvent& event) {
                          ledger.Add(event);
                          return absl::OkStatus();
                        });
  if (!read.ok()) {
    std::cerr << "chaos_check: reading the topics failed: " << read << "\n";
    return 2;
  }
  std::vector<lov::chaos::Ack> acks;
  const bool have_acks = ReadAcks(flags.ack_logs, acks);
  const lov::chaos::Findings findings = ledger.Check(acks, have_acks);
  Print(findings, have_acks);
  return findings.ok() ? 0 : 1;
}
