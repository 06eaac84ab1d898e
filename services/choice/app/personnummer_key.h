#ifndef LOV_SERVICES_CHOICE_APP_PERSONNUMMER_KEY_H_
#define LOV_SERVICES_CHOICE_APP_PERSONNUMMER_KEY_H_

#include <string>

namespace lov::choice {

// Keyed pseudonym of a personnummer: HMAC-SHA256 under the service's
// secret key, as lowercase hex. Stored in ClientRegistered so a client can
// be found by personnummer after a state rebuild without the number ever
// being in an event; without the key it cannot be reversed by trying all
// (few) possible numbers.
class PersonnummerKey {
 public:
  // The flag (and LOV_PNR_HMAC_KEY) that sets the key; choice refuses to
  // start without it (lov::ReadSecretKey).
  static constexpr char kFlag[] = "pnr-hmac-key";
  // The key once built in for development: it is in the source, so
  // lov::ReadSecretKey refuses it.
  static constexpr char kDevelopmentKey[] =
      "lov-choice-dev-key-not-for-production";
  explicit PersonnummerKey(std::string key) : key_(std::move(key)) {}
  std::string Hmac(const std::string& normalized_personnummer) const;

 private:
  std::string key_;
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_PERSONNUMMER_KEY_H_
