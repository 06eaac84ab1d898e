#include "lov/console/adapters/panel_client.h"

#include "absl/strings/str_cat.h"

namespace lov::console {

PanelSettings ReadPanelSettings(Config& config, const std::string& target_flag,
                                const std::string& default_target,
                                const std::string& every_flag) {
  PanelSettings s;
  s.target = config.HostPort(target_flag, default_target);
  s.tls.ca_file = config.String("tls-ca", "");
  s.tls.cert_file = config.String("tls-client-cert", "");
  s.tls.key_file = config.String("tls-client-key", "");
  s.every = absl::Seconds(config.Int(every_flag, 60, 1, 3600));
  return s;
}

absl::StatusOr<ClientTls> PanelClientTls(ClientTls tls, bool console_plaintext,
                                         const std::string& service) {
  if (console_plaintext) return ClientTls{.plaintext = true};
  if (absl::Status valid = tls.Validate(); !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the console's client TLS for the ", service,
                     " service (--tls-ca, --tls-client-cert, "
                     "--tls-client-key): ",
                     valid.message()));
  }
  return tls;
}

}  // namespace lov::console
