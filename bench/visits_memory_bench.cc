// Load driver: the visits service's memory while one UploadVisits stream
// carries --visits reports (default 1 M). The service's resident memory is
// sampled every 5 % of the answers; after a warm-up of 10 % it must stay
// flat: the last sample over the first after the warm-up. Kafka and Redis
// come from LOV_TEST_ENV_FILE. Not a test.
//
//   visits_memory_bench [--visits=1000000]
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "bench_support.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "service_process.h"
#include "test_sign_in.h"
#include "test_stack.h"

namespace {

namespace v1 = ::lov::visits::v1;
constexpr char kProvider[] = "prv-5565541645";
constexpr int kClients = 500;

int Fail(const std::string& what) {
  std::fprintf(stderr, "visits_memory_bench: %s\n", what.c_str());
  return 1;
}

std::string ClientId(int c) { return absl::StrCat("mc-", c); }

// One staff member per report, each client's visits an hour apart, in the
// past: every report is accepted (the whole accept path is exercised).
v1::VisitReport Report(int64_t i) {
  v1::VisitReport r;
  r.set_report_id(absl::StrCat("m-", i));
  r.set_provider_id(kProvider);
  r.set_client_id(ClientId(static_cast<int>(i % kClients)));
  r.set_category_id("home-help");
  r.set_staff_id(absl::StrCat("ms-", i));
  const absl::Time start =
      absl::FromCivil(absl::CivilSecond(2024, 1, 1, 0, 0, 0),
                      absl::UTCTimeZone()) +
      absl::Hours(i / kClients);
  *r.mutable_start() = lov::ToProtoTime(start);
  *r.mutable_end() = lov::ToProtoTime(start + absl::Minutes(30));
  r.set_evidence(v1::EVIDENCE_NFC_TAG);
  r.add_activities("shower");
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = lov::bench::Flag(argc, argv, "visits", 1000000);
  const std::string ns = "bench" + lov::NewUuid().substr(0, 6);
  lov::testing::ServiceProcess service(
      "services/visits/visits",
      {"--namespace=" + ns, "--upload-reports-per-second=0",
       "--max-reports-per-stream=0"});
  if (absl::Status s = service.Start(); !s.ok()) {
    return Fail(absl::StrCat(s.message(), "\n", service.Log()));
  }
  const int pid = lov::bench::FindServicePid("services/visits/visits", ns);
  if (pid < 0) return Fail("cannot find the visits process");
  auto stub = v1::VisitsService::NewStub(service.Channel());

  // The clients, assigned to the provider from before the first visit.
  auto producer =
      lov::EventProducer::Create(lov::testing::Stack().kafka("bench"));
  if (!producer.ok()) return Fail(std::string(producer.status().message()));
  std::vector<lov::CloudEvent> upstream;
  for (int c = 0; c < kClients; ++c) {
    lov::choice::v1::ChoiceEvent a;
    a.set_event_id(lov::NewUuid());
    a.set_aggregate_id(ClientId(c));
    auto* as = a.mutable_assignment_started()->mutable_assignment();
    as->set_assignment_id("asg-" + ClientId(c));
    as->set_client_id(ClientId(c));
    as->set_provider_id(kProvider);
    as->add_category_ids("home-help");
    as->set_valid_from("2023-01-01");
    upstream.push_back(lov::ToCloudEvent(a, "/lov/choice"));
  }
  if (absl::Status s =
          (*producer)->PublishAll(ns + ".lov.choice.events.v1", upstream);
      !s.ok()) {
    return Fail(std::string(s.message()));
  }
  const bool seen = lov::testing::Eventually(
      [&] {
        v1::GetClientContextRequest req;
        req.set_client_id(ClientId(kClients - 1));
        v1::GetClientContextResponse resp;
        grpc::ClientContext ctx;
        return stub->GetClientContext(&ctx, req, &resp).ok() &&
               resp.assignments_size() == 1;
      },
      absl::Seconds(60));
  if (!seen) return Fail("the service never saw the assignments");

  // One stream; memory sampled as the answers come back.
  const double before = lov::bench::RssMiB(pid);
  const int64_t step = std::max<int64_t>(1, n / 20);
  const int64_t warm_up = std::max<int64_t>(1, n / 10);
  std::vector<std::pair<int64_t, double>> samples;
  int64_t accepted = 0, answered = 0;
  std::string first_other;
  const absl::Time t0 = absl::Now();
  grpc::ClientContext ctx;
  // A provider's time-reporting system uploads its own reports.
  lov::testing::SignIn(&ctx, lov::auth::v1::ROLE_PROVIDER, kProvider);
  auto stream = stub->UploadVisits(&ctx);
  std::thread writer([&] {
    for (int64_t i = 0; i < n; ++i) {
      v1::UploadVisitsRequest req;
      *req.mutable_report() = Report(i);
      if (!stream->Write(req)) break;
    }
    stream->WritesDone();
  });
  v1::UploadVisitsResponse resp;
  while (stream->Read(&resp)) {
    ++answered;
    if (resp.outcome().error_code() == 0 &&
        resp.outcome().outcome() != v1::OUTCOME_REJECTED) {
      ++accepted;
    } else if (first_other.empty()) {
      first_other = resp.outcome().ShortDebugString();
    }
    if (answered >= warm_up && (answered - warm_up) % step == 0) {
      samples.emplace_back(answered, lov::bench::RssMiB(pid));
    }
  }
  writer.join();
  grpc::Status finished = stream->Finish();
  const double seconds = lov::bench::SecondsSince(t0);
  samples.emplace_back(answered, lov::bench::RssMiB(pid));
  service.Terminate();
  if (!finished.ok()) return Fail("upload: " + finished.error_message());
  if (accepted != n) {
    return Fail(absl::StrCat(accepted, " of ", n,
                             " accepted; first other answer: ", first_other));
  }
  std::vector<std::string> trace;
  for (const auto& [count, mib] : samples) {
    trace.push_back(
        absl::StrFormat("%lld:%.0f", static_cast<long long>(count), mib));
  }
  std::printf("RSS before %.0f MiB; after N answers (N:MiB): %s\n", before,
              absl::StrJoin(trace, " ").c_str());
  std::printf("%lld visits through one upload in %.1f s = %.0f visits/s\n",
              static_cast<long long>(n), seconds, n / seconds);
  const double first = samples.front().second;
  const double last = samples.back().second;
  const double ratio = last / first;
  lov::bench::PrintRow(
      "visits-memory",
      absl::StrFormat("visits RSS %.0f MiB after %lld of %lld visits in one "
                      "upload",
                      last, static_cast<long long>(answered),
                      static_cast<long long>(n)),
      absl::StrFormat("RSS %.0f MiB after the %lld-visit warm-up", first,
                      static_cast<long long>(warm_up)),
      ratio, "last/first <= 1.10 (flat)", ratio <= 1.10);
  return 0;
}
