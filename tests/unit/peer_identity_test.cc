// The caller's identity as a verified client certificate gives it, read from
// the properties gRPC's TLS handshake puts in the auth context; and the
// client's TLS settings as the environment gives them. (Through real
// handshakes: tests/integration/tls_test.cc.)
#include "lov/platform/peer_identity.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "lov/platform/grpc_channel.h"

namespace lov {
namespace {

// The properties of a call, as the handshake (or a token processor) left
// them.
class FakeAuthContext : public grpc::AuthContext {
 public:
  FakeAuthContext(std::string identity_property,
                  std::multimap<std::string, std::string> properties)
      : identity_property_(std::move(identity_property)),
        properties_(std::move(properties)) {}

  bool IsPeerAuthenticated() const override {
    return !identity_property_.empty() &&
           properties_.count(identity_property_) > 0;
  }
  std::vector<grpc::string_ref> GetPeerIdentity() const override {
    return FindPropertyValues(identity_property_);
  }
  std::string GetPeerIdentityPropertyName() const override {
    return identity_property_;
  }
  std::vector<grpc::string_ref> FindPropertyValues(
      const std::string& name) const override {
    std::vector<grpc::string_ref> out;
    auto [from, to] = properties_.equal_range(name);
    for (auto it = from; it != to; ++it) out.emplace_back(it->second);
    return out;
  }
  grpc::AuthPropertyIterator begin() const override { return End(); }
  grpc::AuthPropertyIterator end() const override { return End(); }
  void AddProperty(const std::string& key,
                   const grpc::string_ref& value) override {
    properties_.emplace(key, std::string(value.data(), value.size()));
  }
  bool SetPeerIdentityPropertyName(const std::string& name) override {
    identity_property_ = name;
    return true;
  }

 private:
  // Iteration is not used by PeerCertificateIdentity.
  struct EmptyIterator : grpc::AuthPropertyIterator {};
  static grpc::AuthPropertyIterator End() { return EmptyIterator(); }

  std::string identity_property_;
  std::multimap<std::string, std::string> properties_;
};

TEST(PeerCertificateIdentityTest, AVerifiedCertificateGivesItsNames) {
  FakeAuthContext auth(
      "x509_subject_alternative_name",
      {{"transport_security_type", "ssl"},
       {"x509_pem_cert", "-----BEGIN CERTIFICATE-----..."},
       {"x509_common_name", "service:choice"},
       {"x509_subject_alternative_name", "urn:lov:service:choice"},
       {"x509_subject_alternative_name", "choice"},
       {"peer_uri", "urn:lov:service:choice"},
       {"peer_dns", "choice"}});
  std::optional<PeerIdentity> peer = PeerCertificateIdentity(auth);
  ASSERT_TRUE(peer.has_value());
  EXPECT_EQ(*peer, (PeerIdentity{.common_name = "service:choice",
                                 .uris = {"urn:lov:service:choice"},
                                 .dns_names = {"choice"}}));
  EXPECT_EQ(peer->name(), "service:choice");
}

TEST(PeerCertificateIdentityTest, TheNameIsTheLovUriElseTheCommonName) {
  PeerIdentity other_uri{.common_name = "system:simulator",
                         .uris = {"spiffe://example.org/sim"}};
  EXPECT_EQ(other_uri.name(), "system:simulator");
  PeerIdentity both{
      .common_name = "cn-only",
      .uris = {"spiffe://example.org/x", "urn:lov:provider:prv-5565541645"}};
  EXPECT_EQ(both.name(), "provider:prv-5565541645");
}

TEST(PeerCertificateIdentityTest, NoCertificateNoIdentity) {
  // TLS without a client certificate: the handshake sets no peer identity.
  FakeAuthContext tls_only("", {{"transport_security_type", "ssl"}});
  EXPECT_FALSE(PeerCertificateIdentity(tls_only).has_value());
  // A token processor may make the peer "authenticated": still no
  // certificate.
  FakeAuthContext token("token_subject", {{"token_subject", "hsa:SE123"},
                                          {"x509_common_name", "forged"}});
  EXPECT_FALSE(PeerCertificateIdentity(token).has_value());
}

TEST(ClientTlsTest, SettingsComeFromTheEnvironment) {
  setenv("LOV_TLS_CA", "/certs/ca.crt", 1);
  setenv("LOV_TLS_CLIENT_CERT", "/certs/me.crt", 1);
  setenv("LOV_TLS_CLIENT_KEY", "/certs/me.key", 1);
  setenv("LOV_TLS_SERVER_NAME", "registry", 1);
  setenv("LOV_INSECURE_PLAINTEXT", "false", 1);
  ClientTls tls = ClientTls::FromEnv();
  EXPECT_EQ(tls.ca_file, "/certs/ca.crt");
  EXPECT_EQ(tls.cert_file, "/certs/me.crt");
  EXPECT_EQ(tls.key_file, "/certs/me.key");
  EXPECT_EQ(tls.server_name, "registry");
  EXPECT_FALSE(tls.plaintext);
  // Plaintext and a CA at once is a mistake, named as one.
  setenv("LOV_INSECURE_PLAINTEXT", "true", 1);
  tls = ClientTls::FromEnv();
  EXPECT_TRUE(tls.plaintext);
  EXPECT_NE(tls.Validate().message().find("choose TLS or plaintext"),
            std::string::npos)
      << tls.Validate();
  for (const char* name :
       {"LOV_TLS_CA", "LOV_TLS_CLIENT_CERT", "LOV_TLS_CLIENT_KEY",
        "LOV_TLS_SERVER_NAME", "LOV_INSECURE_PLAINTEXT"}) {
    unsetenv(name);
  }
  EXPECT_TRUE(ClientTls::FromEnv().Validate().ok());  // the system's roots
}

}  // namespace
}  // namespace lov
