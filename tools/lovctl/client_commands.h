// lovctl client ...: what the choice commands' files share.
#ifndef LOV_TOOLS_LOVCTL_CLIENT_COMMANDS_H_
#define LOV_TOOLS_LOVCTL_CLIENT_COMMANDS_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "cli.h"
#include "lov/choice/v1/choice.grpc.pb.h"

namespace lov::cli {

using ClientRpc =
    std::function<grpc::Status(choice::v1::ChoiceService::Stub&,
                               grpc::ClientContext*, choice::v1::Client*)>;

// Makes `call` (named `what` in an error) on the choice service and prints
// the client it answers with.
absl::Status ClientCall(Context& ctx, const std::string& what,
                        const ClientRpc& call);

// client decision / change-decision (`change`), decision_commands.cc.
absl::Status Decision(Context& ctx, Args& args, bool change);
// client revise-decision: a new decision from a date, the provider kept.
absl::Status ReviseDecision(Context& ctx, Args& args);

}  // namespace lov::cli

#endif  // LOV_TOOLS_LOVCTL_CLIENT_COMMANDS_H_
