#include "lov/platform/http_server.h"

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/log.h"
#include "lov/platform/tls_files.h"

namespace lov::http {
namespace {

// httplib's own pool queues without limit; this one makes the accept loop
// wait while `max_queued` connections wait for a worker, so that further
// connections stay in the kernel's backlog instead of in memory.
class BoundedPool : public httplib::TaskQueue {
 public:
  BoundedPool(int threads, int max_queued)
      : max_queued_(static_cast<size_t>(max_queued)) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }

  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [this] { return jobs_.size() < max_queued_; });
    jobs_.push_back(std::move(fn));
    work_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutdown_ = true;
    }
    work_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

 private:
  void Work() {
    while (true) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_.wait(lock, [this] { return shutdown_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        fn = std::move(jobs_.front());
        jobs_.pop_front();
        room_.notify_one();
      }
      fn();
    }
  }

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable room_;
  std::deque<std::function<void()>> jobs_;
  bool shutdown_ = false;
  std::vector<std::thread> workers_;
};

std::map<std::string, std::string> LowerCased(const httplib::Headers& in) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : in) {
    out.emplace(absl::AsciiStrToLower(name), value);
  }
  return out;
}

// The common name of the client certificate of `ssl` if the handshake
// verified one (SSL_VERIFY_PEER: one that does not chain fails it).
std::string VerifiedClientName(const SSL* ssl) {
  if (ssl == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return "";
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      SSL_get1_peer_certificate(ssl), X509_free);
  if (!cert) return "";
  char name[256] = {0};
  int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()),
                                    NID_commonName, name, sizeof(name));
  return n > 0 ? std::string(name, static_cast<size_t>(n)) : "";
}

Request ToRequest(const httplib::Request& in) {
  Request r;
  r.method = in.method;
  r.path = in.path;
  if (size_t q = in.target.find('?'); q != std::string::npos) {
    r.query = in.target.substr(q + 1);
  }
  r.headers = LowerCased(in.headers);
  if (in.method == "POST" &&
      absl::StartsWith(in.get_header_value("Content-Type"),
                       "application/x-www-form-urlencoded")) {
    httplib::Params fields;
    httplib::detail::parse_query_text(in.body, fields);
    for (auto& [name, value] : fields) r.form.emplace(name, value);
  }
  r.remote_addr = in.remote_addr;
  r.tls = in.ssl != nullptr;
  r.body = in.body;
  r.client_certificate_name = VerifiedClientName(in.ssl);
  return r;
}

void Answer(const Handler& handler, const httplib::Request& in,
            httplib::Response& out) {
  Response response = handler(ToRequest(in));
  out.status = response.status;
  out.set_header("Cache-Control", "no-store");
  for (const auto& [name, value] : response.headers) {
    out.set_header(name, value);
  }
  out.set_content(response.body, response.content_type);
}

// Without httplib's SO_REUSEPORT, so that a second process cannot silently
// share a port that is in use.
void ExclusivePort(int fd) {
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
}

// The certificate chain and key an HTTPS server presents. OpenSSL asks for
// them on every handshake (its certificate callback); when `refresh` has
// passed since the last look and a file changed (cert-manager renews the
// mounted Secret in place), they are read again. A pair that does not load,
// or whose key belongs to another certificate, keeps the one in use.
class CertificateFiles {
 public:
  CertificateFiles(std::string cert_file, std::string key_file,
                   absl::Duration refresh)
      : cert_file_(std::move(cert_file)),
        key_file_(std::move(key_file)),
        refresh_(refresh) {}

  absl::Status Load() {
    std::lock_guard<std::mutex> lock(mu_);
    mtimes_ = Mtimes();
    absl::StatusOr<std::shared_ptr<const Pair>> pair = Read();
    if (!pair.ok()) return pair.status();
    pair_ = *std::move(pair);
    next_look_ = absl::Now() + refresh_;
    return absl::OkStatus();
  }

  static int Present(SSL* ssl, void* self) {
    std::shared_ptr<const Pair> pair =
        static_cast<CertificateFiles*>(self)->Current();
    return SSL_use_cert_and_key(ssl, pair->leaf.get(), pair->key.get(),
                                pair->chain.get(), 1);
  }

 private:
  struct Pair {
    std::unique_ptr<X509, decltype(&X509_free)> leaf{nullptr, X509_free};
    std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> chain{
        nullptr, [](STACK_OF(X509) * c) { sk_X509_pop_free(c, X509_free); }};
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr,
                                                            EVP_PKEY_free};
  };

  std::shared_ptr<const Pair> Current() {
    std::lock_guard<std::mutex> lock(mu_);
    if (absl::Now() >= next_look_) {
      next_look_ = absl::Now() + refresh_;
      if (std::pair<int64_t, int64_t> now = Mtimes(); now != mtimes_) {
        mtimes_ = now;
        absl::StatusOr<std::shared_ptr<const Pair>> pair = Read();
        if (pair.ok()) {
          pair_ = *std::move(pair);
          log::Info("HTTPS certificate read again", {{"file", cert_file_}});
        } else {
          log::Warn("HTTPS certificate not renewed: keeping the one in use",
                    {{"error", pair.status().ToString()}});
        }
      }
    }
    return pair_;
  }

  std::pair<int64_t, int64_t> Mtimes() const {
    auto mtime = [](const std::string& path) -> int64_t {
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0) return -1;
      return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
             st.st_mtim.tv_nsec;
    };
    return {mtime(cert_file_), mtime(key_file_)};
  }

  absl::StatusOr<std::shared_ptr<const Pair>> Read() const {
    const TlsFile cert{cert_file_, "--tls-cert (LOV_TLS_CERT)"};
    absl::StatusOr<std::string> cert_pem = ReadCertificates(cert);
    if (!cert_pem.ok()) return cert_pem.status();
    absl::StatusOr<std::string> key_pem = ReadPrivateKeyOf(
        {key_file_, "--tls-key (LOV_TLS_KEY)"}, cert, *cert_pem);
    if (!key_pem.ok()) return key_pem.status();
    auto pair = std::make_shared<Pair>();
    std::unique_ptr<BIO, decltype(&BIO_free)> in(
        BIO_new_mem_buf(cert_pem->data(), static_cast<int>(cert_pem->size())),
        BIO_free);
    pair->leaf.reset(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
    pair->chain.reset(sk_X509_new_null());
    while (X509* next =
               PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr)) {
      sk_X509_push(pair->chain.get(), next);
    }
    ERR_clear_error();  // the end of the file
    std::unique_ptr<BIO, decltype(&BIO_free)> key_in(
        BIO_new_mem_buf(key_pem->data(), static_cast<int>(key_pem->size())),
        BIO_free);
    pair->key.reset(
        PEM_read_bio_PrivateKey(key_in.get(), nullptr, nullptr, nullptr));
    if (!pair->leaf || !pair->key) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read the certificate ", cert_file_,
                       " or the key ", key_file_));
    }
    return std::shared_ptr<const Pair>(std::move(pair));
  }

  const std::string cert_file_;
  const std::string key_file_;
  const absl::Duration refresh_;
  std::mutex mu_;
  std::shared_ptr<const Pair> pair_;
  std::pair<int64_t, int64_t> mtimes_;
  absl::Time next_look_;
};

std::unique_ptr<httplib::Server> MakeServer(const ServerOptions& o) {
  if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
    return std::make_unique<httplib::Server>();
  }
  return std::make_unique<httplib::SSLServer>(o.tls_cert_file.c_str(),
                                              o.tls_key_file.c_str());
}

void Configure(const ServerOptions& o, httplib::Server& server) {
  auto seconds = [](absl::Duration d, time_t* s, time_t* us) {
    *s = static_cast<time_t>(absl::ToInt64Seconds(d));
    *us = static_cast<time_t>(absl::ToInt64Microseconds(d) % 1000000);
  };
  time_t s = 0, us = 0;
  seconds(o.read_timeout, &s, &us);
  server.set_read_timeout(s, us);
  seconds(o.write_timeout, &s, &us);
  server.set_write_timeout(s, us);
  server.set_keep_alive_timeout(
      std::max<time_t>(1, absl::ToInt64Seconds(o.keep_alive_timeout)));
  server.set_payload_max_length(o.max_body_bytes);
  server.set_socket_options(ExclusivePort);
  const int threads = o.threads;
  const int max_queued = o.max_queued;
  server.new_task_queue = [threads, max_queued] {
    return new BoundedPool(threads, max_queued);
  };
  // A handler's exception is a 500 without its message (httplib would put
  // the message in a header).
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content("internal error\n", "text/plain; charset=utf-8");
      });
}

}  // namespace

std::string Request::Header(const std::string& name) const {
  auto it = headers.find(absl::AsciiStrToLower(name));
  return it == headers.end() ? "" : it->second;
}

struct Server::Impl {
  std::unique_ptr<CertificateFiles> certificate;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
};

Server::Server(Handler handler)
    : handler_(std::move(handler)), impl_(std::make_unique<Impl>()) {}

Server::~Server() { Stop(); }

absl::Status Server::Start(const ServerOptions& o) {
  impl_->server = MakeServer(o);
  httplib::Server& server = *impl_->server;
  if (!server.is_valid()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot serve HTTPS with certificate ", o.tls_cert_file, " and key ",
        o.tls_key_file, " (check --tls-cert / --tls-key)"));
  }
  if (auto* https = dynamic_cast<httplib::SSLServer*>(&server)) {
    impl_->certificate = std::make_unique<CertificateFiles>(
        o.tls_cert_file, o.tls_key_file, o.tls_refresh);
    if (absl::Status s = impl_->certificate->Load(); !s.ok()) return s;
    SSL_CTX_set_cert_cb(https->ssl_context(), &CertificateFiles::Present,
                        impl_->certificate.get());
    if (!o.tls_client_ca_file.empty()) {
      SSL_CTX* ctx = https->ssl_context();
      if (SSL_CTX_load_verify_locations(ctx, o.tls_client_ca_file.c_str(),
                                        nullptr) != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot read the client CA ", o.tls_client_ca_file,
                         " (check --tls-client-ca)"));
      }
      SSL_CTX_set_client_CA_list(
          ctx, SSL_load_client_CA_file(o.tls_client_ca_file.c_str()));
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    }
  }
  Configure(o, server);
  auto answer = [this](const httplib::Request& in, httplib::Response& out) {
    Answer(handler_, in, out);
  };
  server.Get(".*", answer);
  if (o.accept_post) server.Post(".*", answer);
  if (o.any_method) {
    server.Put(".*", answer);
    server.Patch(".*", answer);
    server.Delete(".*", answer);
    server.Options(".*", answer);
  }
  port_ = o.port == 0
              ? server.bind_to_any_port(o.listen_address)
              : (server.bind_to_port(o.listen_address, o.port) ? o.port : -1);
  if (port_ <= 0) {
    port_ = 0;
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", o.listen_address, " port ", o.port,
        " (in use, or not an address of this host; check ", o.settings, ")"));
  }
  tls_ = !o.tls_cert_file.empty();
  impl_->thread = std::thread([&server] { server.listen_after_bind(); });
  // Stop() only ends a server that has begun listening.
  for (int i = 0; i < 5000 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return absl::OkStatus();
}

void Server::Stop() {
  if (!impl_->server) return;
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->server.reset();
}

absl::StatusOr<ClientResponse> Fetch(const ClientRequest& r) {
  const bool named = !r.ca_file.empty() && !r.tls_server_name.empty();
  const size_t colon = r.host_port.rfind(':');
  const std::string port =
      colon == std::string::npos ? "" : r.host_port.substr(colon);
  httplib::Client client(absl::StrCat(
      r.ca_file.empty() ? "http://" : "https://",
      named ? absl::StrCat(r.tls_server_name, port) : r.host_port));
  if (named) {
    // Connect to host_port's host, check the certificate for the name.
    std::string host = r.host_port.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    client.set_hostname_addr_map({{r.tls_server_name, host}});
  }
  if (!r.ca_file.empty()) {
    client.set_ca_cert_path(r.ca_file);
    client.enable_server_certificate_verification(true);
  }
  const auto timeout = std::chrono::milliseconds(r.timeout_ms);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  httplib::Headers headers(r.headers.begin(), r.headers.end());
  httplib::Result result = [&] {
    if (r.method == "GET") return client.Get(r.path, headers);
    if (r.method == "POST" && r.body.empty()) {
      return client.Post(r.path, headers,
                         httplib::Params(r.form.begin(), r.form.end()));
    }
    httplib::Request request;
    request.method = r.method;
    request.path = r.path;
    request.headers = headers;
    request.body = r.body;
    if (!r.content_type.empty()) {
      request.set_header("Content-Type", r.content_type);
    }
    return client.send(request);
  }();
  if (!result) {
    return absl::UnavailableError(absl::StrCat(
        r.host_port, r.path, ": ", httplib::to_string(result.error())));
  }
  return ClientResponse{result->status, result->body,
                        LowerCased(result->headers)};
}

absl::StatusOr<std::string> Get(const std::string& host_port,
                                const std::string& path, int timeout_ms) {
  absl::StatusOr<ClientResponse> r =
      Fetch({.host_port = host_port, .path = path, .timeout_ms = timeout_ms});
  if (!r.ok()) return r.status();
  if (r->status != 200) {
    return absl::UnavailableError(
        absl::StrCat(host_port, path, ": answered ", r->status, ", not 200"));
  }
  return r->body;
}

}  // namespace lov::http
