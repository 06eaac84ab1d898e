#ifndef LOV_SERVICES_CHOICE_APP_PERSONNUMMER_VAULT_H_
#define LOV_SERVICES_CHOICE_APP_PERSONNUMMER_VAULT_H_

#include <string>

#include "absl/status/statusor.h"
#include "lov/choice/v1/events.pb.h"

namespace lov::choice {

// Envelope encryption of a client's personnummer, so that it is kept in the
// system of record (Kafka) without being readable there: each client gets a
// random data key, wrapped with the service's key-encryption key (KEK) and
// published on the compacted key topic; ClientRegistered carries the number
// sealed with the data key. Deleting the data key from the key topic
// (crypto-shredding) erases the number everywhere it was copied, backups
// of the event topic included. AES-256-GCM (OpenSSL EVP) throughout: a
// wrong key, another client's id or an altered byte is an error, never
// garbage. No error ever contains a key or the number.
class PersonnummerVault {
 public:
  // The flag (and LOV_PNR_ENCRYPTION_KEY_FILE): a file holding the KEK as
  // 64 hex digits (`openssl rand -hex 32`); choice refuses to start without
  // it (ReadKeyEncryptionKey).
  static constexpr char kFlag[] = "pnr-encryption-key-file";
  static constexpr size_t kKeyBytes = 32;
  // The KEK once built in for development: it is in the source, so
  // ReadKeyEncryptionKey refuses it (unit tests may use it).
  static constexpr char kDevelopmentKey[] = "lov-choice-dev-kek-not-for-prod!";

  // A vault over a KEK of exactly kKeyBytes bytes.
  static absl::StatusOr<PersonnummerVault> Create(std::string kek);

  // Names the KEK in ClientDataKeyIssued (a prefix of its SHA-256), so that
  // a key wrapped under another KEK is told apart from a damaged one.
  const std::string& kek_id() const { return kek_id_; }

  // A new random data key for the client, and the event carrying it
  // wrapped with the KEK.
  struct DataKey {
    std::string key;
    v1::ClientDataKeyIssued issued;
  };
  absl::StatusOr<DataKey> IssueDataKey(const std::string& client_id) const;
  // The data key of `issued`; FailedPrecondition when another KEK wrapped
  // it, DataLoss when it does not unwrap.
  absl::StatusOr<std::string> UnwrapDataKey(
      const v1::ClientDataKeyIssued& issued) const;

  // The personnummer sealed with the client's data key (ClientRegistered's
  // personnummer_sealed), and back.
  static absl::StatusOr<std::string> Seal(const std::string& data_key,
                                          const std::string& client_id,
                                          const std::string& personnummer);
  static absl::StatusOr<std::string> Open(const std::string& data_key,
                                          const std::string& client_id,
                                          const std::string& sealed);
  // The personnummer `sealed` for the client of `issued`, with its data key.
  absl::StatusOr<std::string> Reveal(const v1::ClientDataKeyIssued& issued,
                                     const std::string& sealed) const;

 private:
  PersonnummerVault(std::string kek, std::string kek_id)
      : kek_(std::move(kek)), kek_id_(std::move(kek_id)) {}

  std::string kek_;
  std::string kek_id_;
};

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_PERSONNUMMER_VAULT_H_
