#ifndef LOV_SERVICES_CONSOLE_ADAPTERS_READ_MODEL_FEED_H_
#define LOV_SERVICES_CONSOLE_ADAPTERS_READ_MODEL_FEED_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/console/app/console_app.h"
#include "lov/platform/kafka.h"
#include "lov/platform/service_main.h"

namespace lov::console {

// Feeds the console's in-memory read model: replays every topic from the
// beginning, then a consumer group keeps it live (the overlap is
// deduplicated on the event id). Publishes the group's lag and counts as
// metrics while it runs.
class ReadModelFeed {
 public:
  static absl::StatusOr<std::unique_ptr<ReadModelFeed>> Start(
      const KafkaSettings& kafka, std::string group_id,
      std::vector<std::string> topics, std::string dead_letter_topic,
      EventProducer* producer, ConsoleApp* app);
  ~ReadModelFeed();
  void Stop();
  int64_t replayed() const { return replayed_; }

 private:
  // Lets the metrics collector outlive the consumer safely.
  struct LiveConsumer {
    std::mutex mu;
    EventConsumer* consumer = nullptr;
  };
  ReadModelFeed() = default;

  std::unique_ptr<EventConsumer> consumer_;
  std::shared_ptr<LiveConsumer> live_ = std::make_shared<LiveConsumer>();
  int64_t replayed_ = 0;
};

// Makes the feed of `app` a part of the console: started (replay, then the
// group "<ns>.console") once the ports are bound, stopped at shutdown.
void FeedReadModel(ServiceContext& ctx, ConsoleApp* app);

// Gauges of the zones' real choice (lov_zone_selectable_providers,
// lov_zone_no_real_choice), read from the model at each scrape.
void AddZoneChoiceGauges(ConsoleApp* app);

}  // namespace lov::console

#endif  // LOV_SERVICES_CONSOLE_ADAPTERS_READ_MODEL_FEED_H_
