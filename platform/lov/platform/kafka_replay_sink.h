#ifndef LOV_PLATFORM_KAFKA_REPLAY_SINK_H_
#define LOV_PLATFORM_KAFKA_REPLAY_SINK_H_

// How the replay (ReplayTopics, kafka_replay.cc) hands the events it reads
// to a projection's handlers; not for services.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "lov/platform/kafka.h"

namespace lov::kafka_internal {

// Hands events to the handlers: in batches when there is a batch handler,
// one by one when a batch fails or there is none. A transient failure is
// retried in place (the same event, after a back-off); a poison event is
// skipped, since the live consumer group has already dead-lettered it.
//
// With a batch handler, a batch is handled on a thread of the sink's own
// while the replay reads and decodes the next one: Flush hands the batch
// over and returns at once (after the batch before it is done), so the
// service's reading of batch n+1 overlaps batch n's Redis round trips. The
// handlers still see one batch at a time, in the order read, and a batch's
// one-by-one fallback is done before the next batch is handed on; Finish
// (and the destructor) waits for the last one.
class ReplaySink {
 public:
  // `overlap` false: every batch is handled within Flush (no thread).
  ReplaySink(const EventHandler& handler, const BatchEventHandler& batch,
             bool overlap = true);
  ~ReplaySink();
  ReplaySink(const ReplaySink&) = delete;
  ReplaySink& operator=(const ReplaySink&) = delete;

  size_t max_batch() const { return batch_ ? kMaxEventBatch : 1; }
  bool empty() const { return pending_.empty(); }
  size_t size() const { return pending_.size(); }
  void Add(CloudEvent event) { pending_.push_back(std::move(event)); }

  // Hands the pending events on (see above).
  void Flush();
  // Waits until every event handed on has been handled.
  void Finish();

  // Batches handed on (and the largest): what the replay logs, to see how
  // full its batches were.
  int64_t batches() const { return batches_; }
  int64_t largest() const { return largest_; }

 private:
  void Handle(const std::vector<CloudEvent>& events);
  void One(const CloudEvent& event);
  void Work();

  const EventHandler& handler_;
  const BatchEventHandler& batch_;
  std::vector<CloudEvent> pending_;
  int64_t batches_ = 0, largest_ = 0;
  absl::Duration backoff_ = absl::Milliseconds(100);

  // The batch being handled on worker_ (with a batch handler only).
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<CloudEvent> in_flight_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace lov::kafka_internal

#endif  // LOV_PLATFORM_KAFKA_REPLAY_SINK_H_
