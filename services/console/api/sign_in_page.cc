#include "lov/console/api/sign_in_page.h"

#include "absl/strings/str_cat.h"
#include "lov/console/api/html_escape.h"

namespace lov::console {
namespace {

constexpr char kHead[] = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LOV operations dashboard: sign in</title>
<style>
body { margin:0; font:14px/1.4 system-ui, "DejaVu Sans", sans-serif; background:#f6f8fa; color:#1f2328; }
header { padding:12px 20px; background:#24292f; color:#fff; font-size:18px; font-weight:600; }
main { max-width:640px; margin:24px auto; background:#fff; border:1px solid #d0d7de; border-radius:8px; padding:16px 20px; }
textarea { width:100%; height:120px; font:12px monospace; }
.reason { background:#ffebe9; border:1px solid #ff8182; color:#cf222e; border-radius:6px; padding:6px 10px; font-weight:600; }
code { background:#eaeef2; padding:1px 4px; border-radius:4px; }
</style>
</head>
<body>
<header>LOV operations dashboard</header>
<main>
)";

constexpr char kTail[] = "</main>\n</body>\n</html>\n";

}  // namespace

std::string SignInPage(std::string_view reason, bool offer_idp) {
  return absl::StrCat(
      kHead, "<h1>Sign in</h1>\n",
      reason.empty() ? ""
                     : absl::StrCat("<p class=\"reason\" id=\"reason\">",
                                    HtmlEscaped(reason), "</p>\n"),
      offer_idp
          ? R"(<p><a href="/login/oidc" id="sign-in-idp">Sign in with the municipality's identity provider</a></p>
<p>Or paste a token:</p>
)"
          : "",
      R"(<form method="post" action="/login" id="sign-in">
<p><label for="token">Bearer token from the municipality's identity provider
(locally: <code>lovctl login --role operator</code>)</label></p>
<textarea id="token" name="token" autocomplete="off" spellcheck="false" required></textarea>
<p><button type="submit">Sign in</button></p>
</form>
)",
      kTail);
}

std::string ForbiddenPage(std::string_view rule) {
  return absl::StrCat(
      kHead, "<h1>Not for this role</h1>\n",
      "<p class=\"reason\" id=\"reason\">", HtmlEscaped(rule), "</p>\n",
      "<p><a href=\"/login\">Sign in in another role</a></p>\n", kTail);
}

std::string SignedInPage() {
  return absl::StrCat(kHead, R"(<meta http-equiv="refresh" content="0; url=/">
<h1>Signed in</h1>
<p><a href="/" id="open-dashboard">Open the dashboard</a></p>
)",
                      kTail);
}

}  // namespace lov::console
