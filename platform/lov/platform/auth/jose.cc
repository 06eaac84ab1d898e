#include "lov/platform/auth/jose.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace lov::auth::jose {
namespace {

// cjose allocates its results with its own allocator.
void CjoseFree(void* memory) { cjose_get_dealloc()(memory); }

struct JwsRelease {
  void operator()(cjose_jws_t* jws) const { cjose_jws_release(jws); }
};

struct HeaderRelease {
  void operator()(cjose_header_t* header) const {
    cjose_header_release(header);
  }
};

std::string Reason(const cjose_err& err) {
  return err.message != nullptr ? err.message : "unknown cjose error";
}

}  // namespace

absl::StatusOr<JwkPtr> ImportJwk(std::string_view json) {
  cjose_err err{};
  JwkPtr key(cjose_jwk_import(json.data(), json.size(), &err));
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a usable JWK: ", Reason(err)));
  }
  return key;
}

absl::StatusOr<std::string> ExportJwk(const cjose_jwk_t* key,
                                      bool include_private) {
  cjose_err err{};
  char* json = cjose_jwk_to_json(key, include_private, &err);
  if (json == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot write the JWK: ", Reason(err)));
  }
  std::string out(json);
  CjoseFree(json);
  return out;
}

absl::StatusOr<std::string> SignCompact(const cjose_jwk_t* key,
                                        std::string_view alg,
                                        std::string_view kid,
                                        std::string_view payload) {
  cjose_err err{};
  std::unique_ptr<cjose_header_t, HeaderRelease> header(cjose_header_new(&err));
  const std::string alg_text(alg);
  const std::string kid_text(kid);
  bool ok = header != nullptr &&
            cjose_header_set(header.get(), "alg", alg_text.c_str(), &err) &&
            cjose_header_set(header.get(), "typ", "JWT", &err) &&
            (kid.empty() ||
             cjose_header_set(header.get(), "kid", kid_text.c_str(), &err));
  if (!ok) {
    return absl::InternalError(
        absl::StrCat("cannot build the JWS header: ", Reason(err)));
  }
  std::unique_ptr<cjose_jws_t, JwsRelease> jws(cjose_jws_sign(
      key, header.get(), reinterpret_cast<const uint8_t*>(payload.data()),
      payload.size(), &err));
  const char* compact = nullptr;
  if (jws == nullptr || !cjose_jws_export(jws.get(), &compact, &err)) {
    return absl::InternalError(absl::StrCat("cannot sign: ", Reason(err)));
  }
  return std::string(compact);
}

std::string Base64UrlEncode(std::string_view bytes) {
  cjose_err err{};
  char* text = nullptr;
  size_t length = 0;
  if (!cjose_base64url_encode(reinterpret_cast<const uint8_t*>(bytes.data()),
                              bytes.size(), &text, &length, &err)) {
    return "";
  }
  std::string out(text, length);
  CjoseFree(text);
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  cjose_err err{};
  uint8_t* bytes = nullptr;
  size_t length = 0;
  if (!cjose_base64url_decode(text.data(), text.size(), &bytes, &length,
                              &err)) {
    return std::nullopt;
  }
  std::string out(reinterpret_cast<const char*>(bytes), length);
  CjoseFree(bytes);
  return out;
}

}  // namespace lov::auth::jose
