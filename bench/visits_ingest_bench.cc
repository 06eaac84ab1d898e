// Load driver: sustained ingestion through VisitsService.UploadVisits, in
// visits per second answered (accepted and durably in Kafka), next to the
// raw produce rate of the same broker for events of the same size, measured
// in the same run. Starts the visits binary itself; Kafka and Redis come
// from LOV_KAFKA_BROKERS / LOV_REDIS_ADDR or LOV_TEST_ENV_FILE (the env file
// deploy/local/stack.sh writes). Not a test.
//
// Then the state rebuild: the service is stopped, its Redis keys deleted,
// and started again; it replays its topics into Redis before it serves.
// Its replay time (the "state rebuilt" log line) is set against the raw
// consume of the same topics by the same reader with a handler that does
// nothing, in the same run.
//
// Redis's own count of the commands it ran (INFO commandstats) is printed
// per accepted report (the upload, until the service's projection has read
// its own events back) and per replayed event (the rebuild): a measure of
// the work per report that does not depend on the machine; so is Redis's
// main-thread CPU per report and per replayed event (INFO cpu), nearly.
//
//   visits_ingest_bench [--visits=50000] [--streams=2]
//   [--upload-batch-size=500]  the service's batch (its flag of that name)
//   [--binaries=DIR]  the visits binary from DIR (a copy of the build's,
//                     laid out as in it; default: $LOV_BENCH_BINARIES)
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bench_support.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/visits/v1/events.pb.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "service_process.h"
#include "test_sign_in.h"
#include "test_stack.h"

namespace {

namespace v1 = ::lov::visits::v1;
constexpr char kProvider[] = "prv-5565541645";
constexpr int kClients = 500;

v1::VisitReport Report(int i, int stream) {
  // One staff member per report, each client's visits an hour apart: all
  // are accepted (the cost measured is the full accept path).
  v1::VisitReport r;
  r.set_report_id(absl::StrCat("b", stream, "-", i));
  r.set_provider_id(kProvider);
  r.set_client_id(absl::StrCat("bc", stream, "-", i % kClients));
  r.set_category_id("home-help");
  r.set_staff_id(absl::StrCat("bs", stream, "-", i));
  const absl::Time start =
      absl::FromCivil(absl::CivilSecond(2025, 1, 1, 0, 0, 0),
                      absl::UTCTimeZone()) +
      absl::Hours(i / kClients);
  *r.mutable_start() = lov::ToProtoTime(start);
  *r.mutable_end() = lov::ToProtoTime(start + absl::Minutes(30));
  r.set_evidence(v1::EVIDENCE_NFC_TAG);
  r.add_activities("shower");
  r.add_activities("breakfast");
  return r;
}

// The time in seconds of the last "state rebuilt" line ("ms") in the
// service's log, or -1 when there is none.
double RebuildSeconds(const std::string& log) {
  double seconds = -1;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"state rebuilt\"") == std::string::npos) continue;
    const std::string field = "\"ms\":";
    const size_t at = line.find(field);
    if (at == std::string::npos) continue;
    seconds = std::atof(line.c_str() + at + field.size()) / 1000;
  }
  return seconds;
}

// Redis's main-thread CPU over a step, per unit: all the Redis work of the
// step (request parsing, commands, scripts, the append-only file's buffer).
void PrintRedisCpuPer(const absl::StatusOr<double>& before,
                      const absl::StatusOr<double>& after, int64_t units,
                      const char* unit) {
  if (!before.ok() || !after.ok() || units <= 0) {
    std::printf("redis main-thread CPU per %s: not read\n", unit);
    return;
  }
  std::printf("redis main-thread CPU per %s: %.1f us (%.2f s in all)\n", unit,
              (*after - *before) * 1e6 / static_cast<double>(units),
              *after - *before);
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = lov::bench::Flag(argc, argv, "visits", 50000);
  const int streams =
      static_cast<int>(lov::bench::Flag(argc, argv, "streams", 2));
  const std::string ns = "bench" + lov::NewUuid().substr(0, 6);
  const auto& stack = lov::testing::Stack();
  auto producer = lov::EventProducer::Create(stack.kafka("visits-bench"));
  if (!producer.ok()) {
    std::cerr << producer.status() << "\n";
    return 1;
  }
  // No quota and no stream cap: the service's own throughput is measured.
  // Sign-in on, as in production.
  std::vector<std::string> flags = lov::testing::SignInFlags();
  flags.push_back("--namespace=" + ns);
  flags.push_back("--upload-reports-per-second=0");
  flags.push_back("--max-reports-per-stream=0");
  const int64_t batch_size =
      lov::bench::Flag(argc, argv, "upload-batch-size", 500);
  flags.push_back(absl::StrCat("--upload-batch-size=", batch_size));
  lov::testing::ServiceProcess service(
      lov::bench::Binary(lov::bench::BinariesFlag(argc, argv),
                         "services/visits/visits"),
      flags);
  if (absl::Status s = service.Start(); !s.ok()) {
    std::cerr << s << "\n" << service.Log();
    return 1;
  }
  auto stub = v1::VisitsService::NewStub(service.Channel());

  // Upstream facts: clients assigned to the provider.
  std::vector<lov::CloudEvent> upstream;
  for (int s = 0; s < streams; ++s) {
    for (int c = 0; c < kClients; ++c) {
      const std::string client = absl::StrCat("bc", s, "-", c);
      lov::choice::v1::ChoiceEvent a;
      a.set_event_id(lov::NewUuid());
      a.set_aggregate_id(client);
      auto* as = a.mutable_assignment_started()->mutable_assignment();
      as->set_assignment_id("asg-" + client);
      as->set_client_id(client);
      as->set_provider_id(kProvider);
      as->add_category_ids("home-help");
      as->set_valid_from("2024-01-01");
      upstream.push_back(lov::ToCloudEvent(a, "/lov/choice"));
    }
  }
  if (absl::Status s =
          (*producer)->PublishAll(ns + ".lov.choice.events.v1", upstream);
      !s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }
  // Every client, not only the last one published: the topic's partitions
  // are read in no set order, and a client not seen yet would have its
  // first reports rejected (UNKNOWN_CLIENT; seen once in 3 Dec's runs).
  int tries = 0;
  for (const lov::CloudEvent& ce : upstream) {
    for (;; ++tries) {
      v1::GetClientContextRequest req;
      req.set_client_id(ce.subject);
      v1::GetClientContextResponse resp;
      grpc::ClientContext ctx;
      if (stub->GetClientContext(&ctx, req, &resp).ok() &&
          resp.assignments_size() == 1) {
        break;
      }
      if (tries > 600) {
        std::cerr << "the service never saw the assignments\n";
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // 1. Visits through the streaming API, `streams` uploads at once.
  std::atomic<int64_t> accepted{0}, other{0};
  const int64_t per_stream = n / streams;
  absl::StatusOr<lov::bench::CommandStats> upload_before =
      lov::bench::ReadCommandStats();
  if (!upload_before.ok()) {
    std::cerr << upload_before.status() << "\n";
    return 1;
  }
  const absl::StatusOr<double> upload_cpu_before =
      lov::bench::RedisMainThreadCpuSeconds();
  const absl::Time t0 = absl::Now();
  std::vector<std::thread> uploaders;
  for (int s = 0; s < streams; ++s) {
    uploaders.emplace_back([&, s] {
      grpc::ClientContext ctx;
      lov::testing::SignIn(&ctx, lov::auth::v1::ROLE_PROVIDER, kProvider);
      auto stream = stub->UploadVisits(&ctx);
      std::thread writer([&] {
        for (int64_t i = 0; i < per_stream; ++i) {
          v1::UploadVisitsRequest req;
          *req.mutable_report() = Report(static_cast<int>(i), s);
          if (!stream->Write(req)) break;
        }
        stream->WritesDone();
      });
      v1::UploadVisitsResponse resp;
      while (stream->Read(&resp)) {
        // Accepted, with or without exceptions to review (visits at
        // night are outside the hours of responsibility).
        if (resp.outcome().error_code() == 0 &&
            resp.outcome().outcome() != v1::OUTCOME_REJECTED) {
          ++accepted;
        } else if (other.fetch_add(1) == 0) {
          std::cerr << "first other outcome: "
                    << resp.outcome().ShortDebugString() << "\n";
        }
      }
      writer.join();
      grpc::Status st = stream->Finish();
      if (!st.ok()) std::cerr << "upload: " << st.error_message() << "\n";
    });
  }
  for (auto& t : uploaders) t.join();
  const double ingest_s = absl::ToDoubleSeconds(absl::Now() - t0);
  const double visits_per_s = static_cast<double>(accepted.load()) / ingest_s;
  // The projection reads the own events back behind the upload: its
  // commands are the report's too.
  if (!lov::bench::WaitCaughtUp(service.metrics_port(), ".visits.state",
                                absl::Minutes(5))) {
    std::cerr << "the projection did not catch up\n";
    return 1;
  }
  absl::StatusOr<lov::bench::CommandStats> upload_after =
      lov::bench::ReadCommandStats();
  const absl::StatusOr<double> upload_cpu_after =
      lov::bench::RedisMainThreadCpuSeconds();
  if (!upload_after.ok()) {
    std::cerr << upload_after.status() << "\n";
    return 1;
  }

  // 2. Raw produce of events of the same size to a scratch topic.
  v1::VisitEvent sample;
  sample.set_event_id(lov::NewUuid());
  *sample.mutable_occurred_at() = lov::ToProtoTime(absl::Now());
  sample.set_aggregate_id(absl::StrCat(kProvider, "/b0-0"));
  sample.set_aggregate_version(1);
  sample.set_request_fingerprint("0123456789abcdef");
  auto* visit = sample.mutable_visit_accepted()->mutable_visit();
  v1::VisitReport r = Report(0, 0);
  visit->set_visit_id(sample.aggregate_id());
  visit->set_report_id(r.report_id());
  visit->set_provider_id(kProvider);
  visit->set_client_id(r.client_id());
  visit->set_category_id(r.category_id());
  visit->set_staff_id(r.staff_id());
  *visit->mutable_start() = r.start();
  *visit->mutable_end() = r.end();
  visit->set_evidence(r.evidence());
  *visit->mutable_activities() = r.activities();
  visit->set_status(v1::VISIT_STATUS_PERFORMED);
  visit->set_assignment_id("asg-" + r.client_id());
  visit->set_period("2025-01");
  visit->set_version(1);
  const std::string scratch = ns + ".bench.scratch";
  if (absl::Status s =
          lov::EnsureTopics(stack.kafka("visits-bench"), {{scratch, 3, 1, {}}});
      !s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }
  std::mutex mu;
  std::condition_variable cv;
  int64_t delivered = 0, failed = 0;
  const absl::Time t1 = absl::Now();
  for (int64_t i = 0; i < n; ++i) {
    sample.set_event_id(lov::NewUuid());
    sample.set_aggregate_id(absl::StrCat(kProvider, "/b0-", i));
    lov::CloudEvent ce = lov::ToCloudEvent(sample, "/lov/visits");
    (*producer)->PublishAsync(scratch, ce, [&](absl::Status s) {
      std::lock_guard<std::mutex> lock(mu);
      ++(s.ok() ? delivered : failed);
      if (delivered + failed == n) cv.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return delivered + failed == n; });
  }
  const double produce_s = absl::ToDoubleSeconds(absl::Now() - t1);
  const double produce_per_s = static_cast<double>(delivered) / produce_s;

  std::printf("event size: %zu bytes (protobuf body)\n",
              lov::SerializeDeterministic(sample).size());
  std::printf(
      "visits ingested (accepted, durable): %lld of %lld in %.2f s "
      "over %d streams = %.0f visits/s (other outcomes: %lld)\n",
      static_cast<long long>(accepted.load()), static_cast<long long>(n),
      ingest_s, streams, visits_per_s, static_cast<long long>(other.load()));
  std::printf(
      "raw produce, same broker, same size: %lld in %.2f s = %.0f "
      "msg/s (failed: %lld)\n",
      static_cast<long long>(delivered), produce_s, produce_per_s,
      static_cast<long long>(failed));
  std::printf("ratio ingest / raw produce: %.3f\n",
              visits_per_s / produce_per_s);
  // Where a batch's wall time goes, by the service's own count (batches
  // overlap: two per stream are in flight, so the steps sum past the whole).
  const double batches = static_cast<double>(
      streams * ((per_stream + batch_size - 1) / batch_size));
  std::printf("batch steps (wall ms per batch of %lld, %.0f batches):",
              static_cast<long long>(batch_size), batches);
  for (const char* phase : {"batch", "contexts", "reserve", "await_earlier",
                            "publish", "record", "audit"}) {
    const double s = lov::bench::MetricValue(
        service.metrics_port(), "lov_visits_ingest_seconds_total",
        absl::StrCat("phase=\"", phase, "\""));
    std::printf(" %s %.1f", phase, s * 1000 / batches);
  }
  std::printf("\n");
  lov::bench::PrintCommandsPer(*upload_before, *upload_after, accepted.load(),
                               "report");
  PrintRedisCpuPer(upload_cpu_before, upload_cpu_after, accepted.load(),
                   "report");

  // 3. The state rebuild against the raw consume of the same topics.
  service.Terminate();
  absl::StatusOr<int> wiped = lov::testing::WipeRedisKeys(ns + ":lov:visits:*");
  if (!wiped.ok()) {
    std::cerr << wiped.status() << "\n";
    return 1;
  }
  const std::vector<std::string> topics = {
      ns + ".lov.visits.events.v1", ns + ".lov.visits.rejected.v1",
      ns + ".lov.choice.events.v1", ns + ".lov.registry.events.v1",
      ns + ".lov.settlement.events.v1"};
  absl::StatusOr<lov::bench::CommandStats> rebuild_before =
      lov::bench::ReadCommandStats();
  if (!rebuild_before.ok()) {
    std::cerr << rebuild_before.status() << "\n";
    return 1;
  }
  const absl::StatusOr<double> rebuild_cpu_before =
      lov::bench::RedisMainThreadCpuSeconds();
  const absl::Time t2 = absl::Now();
  if (absl::Status s = service.Start(absl::Minutes(10)); !s.ok()) {
    std::cerr << s << "\n" << service.Log();
    return 1;
  }
  const double ready_s = absl::ToDoubleSeconds(absl::Now() - t2);
  const double rebuild_s = RebuildSeconds(service.Log());
  service.Terminate();
  absl::StatusOr<lov::bench::CommandStats> rebuild_after =
      lov::bench::ReadCommandStats();
  const absl::StatusOr<double> rebuild_cpu_after =
      lov::bench::RedisMainThreadCpuSeconds();
  if (!rebuild_after.ok()) {
    std::cerr << rebuild_after.status() << "\n";
    return 1;
  }
  int64_t consumed = 0;
  const absl::Time t3 = absl::Now();
  if (absl::Status s = lov::ReplayTopics(
          stack.kafka("visits-bench"), topics,
          [](const lov::CloudEvent&) { return absl::OkStatus(); }, &consumed);
      !s.ok()) {
    std::cerr << "raw consume: " << s << "\n";
    return 1;
  }
  const double consume_s = absl::ToDoubleSeconds(absl::Now() - t3);
  std::printf(
      "state rebuild (replay into Redis): %lld events in %.2f s = %.0f "
      "events/s (start to ready: %.2f s)\n",
      static_cast<long long>(consumed), rebuild_s,
      static_cast<double>(consumed) / rebuild_s, ready_s);
  std::printf("raw consume, same topics: %lld in %.2f s = %.0f events/s\n",
              static_cast<long long>(consumed), consume_s,
              static_cast<double>(consumed) / consume_s);
  std::printf("ratio rebuild / raw consume: %.3f\n", consume_s / rebuild_s);
  lov::bench::PrintCommandsPer(*rebuild_before, *rebuild_after, consumed,
                               "replayed event");
  PrintRedisCpuPer(rebuild_cpu_before, rebuild_cpu_after, consumed,
                   "replayed event");
  return 0;
}
