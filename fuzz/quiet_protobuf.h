// Protobuf logs every string field with invalid UTF-8 it parses; in a fuzz
// run that is most inputs, and the writing would slow it to a crawl.
#ifndef LOV_FUZZ_QUIET_PROTOBUF_H_
#define LOV_FUZZ_QUIET_PROTOBUF_H_

#include <google/protobuf/stubs/logging.h>

namespace lov::fuzz {

inline void SilenceProtobufLogs() {
  static const bool silenced = (google::protobuf::SetLogHandler(nullptr), true);
  (void)silenced;
}

}  // namespace lov::fuzz

#endif  // LOV_FUZZ_QUIET_PROTOBUF_H_
