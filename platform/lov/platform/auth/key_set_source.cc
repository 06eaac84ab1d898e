#include "lov/platform/auth/key_set_source.h"

#include <curl/curl.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/auth/oidc_http.h"

namespace lov::auth {
namespace {

struct Body {
  std::string text;
  bool too_large = false;
};

size_t Append(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<Body*>(user);
  const size_t bytes = size * count;
  if (body->text.size() + bytes > kMaxKeySetBytes) {
    body->too_large = true;
    return 0;  // libcurl stops the transfer
  }
  body->text.append(data, bytes);
  return bytes;
}

absl::StatusOr<std::string> Get(const std::string& url,
                                const std::string& ca_file,
                                absl::Duration timeout) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(),
                                              curl_easy_cleanup);
  if (!curl) return absl::InternalError("libcurl: cannot start a request");
  Body body;
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(timeout)));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  if (!ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ca_file.c_str());
  const CURLcode code = curl_easy_perform(c);
  if (body.too_large) {
    return absl::UnavailableError(absl::StrCat("JWKS ", url, ": larger than ",
                                               kMaxKeySetBytes, " bytes"));
  }
  if (code != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat(
        "JWKS ", url, ": ", error[0] != 0 ? error : curl_easy_strerror(code)));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return absl::UnavailableError(
        absl::StrCat("JWKS ", url, ": HTTP status ", status));
  }
  return std::move(body.text);
}

}  // namespace

KeySetFetcher KeySetFromFile(std::string path) {
  return [path = std::move(path)]() -> absl::StatusOr<std::string> {
    std::ifstream in(path);
    if (!in) {
      return absl::NotFoundError(
          absl::StrCat("cannot read the JWKS file ", path));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > kMaxKeySetBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "JWKS file ", path, ": larger than ", kMaxKeySetBytes, " bytes"));
    }
    return text.str();
  };
}

absl::StatusOr<KeySetFetcher> KeySetFromUrl(std::string url,
                                            std::string ca_file,
                                            absl::Duration timeout) {
  if (!absl::StartsWith(url, "https://") && !IsLoopbackHttp(url)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "JWKS URL ", url,
        ": must be https:// (http:// only to 127.0.0.1 or localhost)"));
  }
  // Once per process, before any thread starts a request.
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (global != CURLE_OK) {
    return absl::InternalError("libcurl: global initialisation failed");
  }
  return KeySetFetcher([url = std::move(url), ca_file = std::move(ca_file),
                        timeout]() { return Get(url, ca_file, timeout); });
}

}  // namespace lov::auth
