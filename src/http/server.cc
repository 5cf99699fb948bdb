// The only translation unit that includes Boost.Beast (each such file costs ~10 s to compile).
//
// Flow: the acceptor hands each socket to a Session that lives on its own strand. A Session reads
// one request at a time (the next request, pipelined or not, is read only after the response to
// the previous one is written, so responses stay in order), converts it to our Request and offers
// it to the WorkerPool. The worker runs the handler and posts the Response back to the strand,
// which writes it. If the pool refuses the task the Session answers 503 itself, at once.
//
// Shutdown: BeginDrain() closes the acceptor and tells every Session to stop after its current
// exchange (idle ones close at once); a timer polls in_flight_ until it reaches zero or the drain
// deadline passes; then the io_context stops, Run() closes what is left, stops the pool and
// returns.

#include <utility>  // Must precede any asio header with -std=c++20 and Boost 1.74.

#include "http/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/worker_pool.h"

namespace stio::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string ToStd(beast::string_view s) { return std::string(s.data(), s.size()); }

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

// RFC 9457 body for the errors the transport layer decides on its own (the API layer builds its
// own problems with stio type URIs; these never reach a handler).
Response Problem(int status, std::string_view title, std::string_view detail) {
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/problem+json");
  r.body = "{\"type\":\"about:blank\",\"title\":\"" + JsonEscape(title) +
           "\",\"status\":" + std::to_string(status) + ",\"detail\":\"" + JsonEscape(detail) +
           "\"}";
  return r;
}

Response BusyResponse() {
  Response r = Problem(503, "Service Unavailable", "server busy, retry later");
  r.headers.Set("Retry-After", "1");
  return r;
}

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

// "x-request-id" -> "X-Request-Id".
std::string TitleCase(std::string_view name) {
  std::string out(name);
  bool start = true;
  for (char& c : out) {
    if (start) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    start = c == '-';
  }
  return out;
}

// Request ids: a per-process random prefix plus a counter; unique enough to correlate logs, and
// cheap. A client-supplied X-Request-Id is kept if it looks harmless (it ends up in logs).
std::string NextRequestId() {
  static const std::string prefix = [] {
    std::random_device rd;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
    return std::string(buf);
  }();
  static std::atomic<uint64_t> counter{0};
  return prefix + "-" + std::to_string(counter.fetch_add(1, std::memory_order_relaxed) + 1);
}

bool AcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' &&
        c != ':') {
      return false;
    }
  }
  return true;
}

void LogError(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "stio http: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
}

class Session;

// Everything the server owns. It lives in this file's anonymous namespace (Server::Impl is a thin
// subclass) so that Session can name it: Server::Impl itself is private to Server.
class Core {
 public:
  using RequestHandler = Server::RequestHandler;
  using AccessLogger = Server::AccessLogger;

  Core(ServerOptions options, RequestHandler handler, AccessLogger logger)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        logger_(std::move(logger)),
        ioc_(options_.io_threads > 0 ? options_.io_threads : 1),
        acceptor_(ioc_),
        drain_timer_(ioc_),
        accept_retry_timer_(ioc_),
        pool_(std::make_unique<WorkerPool>(
            options_.worker_threads,
            options_.queue_capacity > 0 ? static_cast<size_t>(options_.queue_capacity) : 0)) {}

  ~Core() {
    // Joining the workers first: their tasks hold Sessions, whose sockets need ioc_ alive.
    pool_->Stop(/*run_queued=*/false);
  }

  Status Listen();
  Status Run();
  void Shutdown();
  void InstallSignalHandlers();

  // For Sessions.
  bool Register(Session* s, std::weak_ptr<Session> w);
  void Unregister(Session* s);

  const ServerOptions options_;
  const RequestHandler handler_;
  const AccessLogger logger_;
  std::atomic<uint64_t> requests_total_{0};
  std::atomic<uint64_t> rejected_busy_total_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<uint16_t> port_{0};

  // Declared before ioc_ so that they outlive it: handlers destroyed with ioc_ own Sessions, and
  // ~Session unregisters itself here.
  std::mutex sessions_mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // GUARDED_BY(sessions_mu_)
  bool draining_ = false;                                          // GUARDED_BY(sessions_mu_)

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::optional<asio::signal_set> signals_;
  asio::steady_timer drain_timer_;
  asio::steady_timer accept_retry_timer_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_guard_;
  Clock::time_point drain_deadline_;
  std::unique_ptr<WorkerPool> pool_;

 private:
  void DoAccept();
  void BeginDrain();
  void CheckDrain();
  std::vector<std::shared_ptr<Session>> LiveSessions();
  void RunIo();
};

// One TCP connection. All members are touched only on the Session's strand, except through the
// atomics of Core.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Core* server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }
  ~Session() { server_->Unregister(this); }

  void Start() {
    if (!server_->Register(this, weak_from_this())) {
      Close();
      return;
    }
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::DoRead, shared_from_this()));
  }

  // Shutdown has begun: finish the current exchange, then close; close idle connections now.
  void OnShutdown() {
    closing_ = true;
    if (!busy_) Close();
  }

 private:
  void DoRead() {
    if (closing_) {
      Close();
      return;
    }
    parser_.emplace();
    parser_->body_limit(server_->options_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(server_->options_.max_header_bytes));
    stream_.expires_after(std::chrono::milliseconds(server_->options_.read_timeout_ms));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnReadHeader, shared_from_this()));
  }

  void OnReadHeader(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    auto& msg = parser_->get();
    // curl and others wait (up to a second) for this before sending a large body.
    auto expect = msg[bhttp::field::expect];
    if (!parser_->is_done() && beast::iequals(expect, "100-continue")) {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                       msg.version());
      bhttp::async_write(stream_, *cont,
                         [self = shared_from_this(), cont](beast::error_code ec2, size_t) {
                           if (ec2) return self->Close();
                           self->ReadBody();
                         });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return OnRequest();
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->OnRequest();
                      });
  }

  void OnReadError(const beast::error_code& ec) {
    if (parser_->is_header_done()) {
      method_ = ToStd(parser_->get().method_string());
      target_ = ToStd(parser_->get().target());
    } else {
      method_.clear();
      target_.clear();
    }
    version_ = 11;
    start_ = Clock::now();
    request_id_ = NextRequestId();
    if (ec == bhttp::error::body_limit) {
      busy_ = true;
      return Send(Problem(413, "Content Too Large",
                          "request body exceeds " +
                              std::to_string(server_->options_.max_body_bytes) + " bytes"),
                  /*keep_alive=*/false);
    }
    if (ec == bhttp::error::header_limit) {
      busy_ = true;
      return Send(Problem(431, "Request Header Fields Too Large",
                          "request headers exceed " +
                              std::to_string(server_->options_.max_header_bytes) + " bytes"),
                  /*keep_alive=*/false);
    }
    // end_of_stream: the client closed between requests; partial_message: it closed mid-request.
    // Neither can read an answer.
    if (IsHttpParseError(ec) && ec != bhttp::error::end_of_stream &&
        ec != bhttp::error::partial_message && !closing_) {
      busy_ = true;
      return Send(Problem(400, "Bad Request", "malformed HTTP request"), /*keep_alive=*/false);
    }
    Close();  // timeout, reset, or cancelled by shutdown
  }

  void OnRequest() {
    busy_ = true;
    start_ = Clock::now();
    server_->requests_total_.fetch_add(1, std::memory_order_relaxed);
    auto& msg = parser_->get();
    auto req = std::make_shared<Request>();
    req->method = ToStd(msg.method_string());
    req->target = ToStd(msg.target());
    std::string_view target = req->target;
    // Absolute-form ("http://host/path?q"), sent through some proxies: keep only path and query.
    if (!target.empty() && target.front() != '/') {
      size_t scheme = target.find("://");
      if (scheme != std::string_view::npos) {
        size_t slash = target.find('/', scheme + 3);
        target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      }
    }
    size_t q = target.find('?');
    req->path = PercentDecode(target.substr(0, q));
    if (q != std::string_view::npos) req->query = ParseQuery(target.substr(q + 1));
    for (const auto& field : msg) {
      beast::string_view name = field.name_string();
      req->headers.Add(std::string_view(name.data(), name.size()), ToStd(field.value()));
    }
    req->body = std::move(msg.body());
    req->remote_address = remote_;
    req->tls = false;
    // Handlers see the id in the request headers, so their own logs can carry it.
    auto client_id = req->headers.Get("x-request-id");
    if (client_id && AcceptableRequestId(*client_id)) {
      request_id_ = std::string(*client_id);
    } else {
      request_id_ = NextRequestId();
      req->headers.Set("X-Request-Id", request_id_);
    }

    method_ = req->method;
    target_ = req->target;
    version_ = msg.version();
    const bool keep_alive = msg.keep_alive();

    Core* server = server_;
    auto task = [self = shared_from_this(), server, req, keep_alive]() {
      Response res;
      try {
        res = server->handler_(*req);
      } catch (const std::exception& e) {
        LogError("handler threw", e.what());
        res = Problem(500, "Internal Server Error", "unexpected error");
      } catch (...) {
        LogError("handler threw", "unknown exception");
        res = Problem(500, "Internal Server Error", "unexpected error");
      }
      auto shared_res = std::make_shared<Response>(std::move(res));
      asio::post(self->stream_.get_executor(), [self, shared_res, keep_alive]() {
        self->Send(std::move(*shared_res), keep_alive);
      });
    };
    // Counted only once accepted, so that the gauge never includes a request about to get 503.
    // The response cannot be written (and the count dropped) before this function returns: the
    // task posts it to this strand.
    if (server->pool_->TrySubmit(std::move(task))) {
      server->in_flight_.fetch_add(1, std::memory_order_relaxed);
      counted_in_flight_ = true;
    } else {
      server->rejected_busy_total_.fetch_add(1, std::memory_order_relaxed);
      Send(BusyResponse(), keep_alive);
    }
  }

  void Send(Response r, bool keep_alive) {
    // stopping_ is set synchronously by Shutdown(); closing_ arrives later through the strand.
    keep_alive = keep_alive && !closing_ && !server_->stopping_.load();
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    try {
      res->version(version_ == 10 ? 10 : 11);
      res->result(static_cast<unsigned>(r.status));
      bool has_type = false;
      bool has_id = false;
      for (const auto& [name, value] : r.headers.all()) {
        // Framing headers are ours to decide; a handler's copy could desynchronise the stream.
        if (name == "content-length" || name == "transfer-encoding" || name == "connection") {
          continue;
        }
        if (name == "content-type") has_type = true;
        if (name == "x-request-id") has_id = true;
        // Headers stores lower-case names; send the conventional spelling ("Content-Type").
        bhttp::field known = bhttp::string_to_field(name);
        if (known != bhttp::field::unknown) {
          res->insert(known, value);
        } else {
          res->insert(TitleCase(name), value);
        }
      }
      if (!has_id && !request_id_.empty()) res->set("X-Request-Id", request_id_);
      const bool bodiless = r.status / 100 == 1 || r.status == 204 || r.status == 304;
      if (bodiless) {
        r.body.clear();
      } else if (!has_type) {
        res->set(bhttp::field::content_type, "text/plain; charset=utf-8");
      }
      res->body() = std::move(r.body);
      res->keep_alive(keep_alive);
      res->prepare_payload();
    } catch (const std::exception& e) {
      LogError("bad response", e.what());
      res = std::make_shared<bhttp::response<bhttp::string_body>>();
      res->version(11);
      res->result(500);
      res->set(bhttp::field::content_type, "text/plain; charset=utf-8");
      res->body() = "internal error";
      keep_alive = false;
      res->keep_alive(false);
      res->prepare_payload();
    }
    status_ = r.status;
    res_ = res;
    stream_.expires_after(std::chrono::milliseconds(server_->options_.read_timeout_ms));
    bhttp::async_write(
        stream_, *res_,
        beast::bind_front_handler(&Session::OnWrite, shared_from_this(), !keep_alive));
  }

  void OnWrite(bool close, beast::error_code ec, size_t bytes) {
    if (server_->logger_) {
      AccessLogEntry entry;
      entry.remote_address = remote_;
      entry.method = method_;
      entry.target = target_;
      entry.status = status_;
      entry.response_bytes = bytes;
      entry.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
      entry.request_id = request_id_;
      try {
        server_->logger_(entry);
      } catch (const std::exception& e) {
        LogError("access logger threw", e.what());
      }
    }
    res_.reset();
    busy_ = false;
    if (counted_in_flight_) {
      counted_in_flight_ = false;
      server_->in_flight_.fetch_sub(1, std::memory_order_relaxed);
    }
    if (ec) return Close();
    if (close || closing_) return LingerClose();
    DoRead();
  }

  // Closing a socket that still has unread input makes the kernel send RST, which can destroy the
  // response we just wrote before the client reads it (typically after a 413 while the client is
  // still uploading). So: half-close, drain input for a short while, then close.
  void LingerClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    linger_left_ = 8 << 20;
    stream_.expires_after(std::chrono::seconds(2));
    DrainSome();
  }

  void DrainSome() {
    if (!linger_buf_) linger_buf_ = std::make_unique<char[]>(kLingerBuf);
    stream_.async_read_some(asio::buffer(linger_buf_.get(), kLingerBuf),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec || n >= self->linger_left_) return self->Close();
                              self->linger_left_ -= n;
                              self->DrainSome();
                            });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

 public:
  // Run() uses this after the io threads have stopped, when no strand can be running.
  void CloseUnsynchronized() { Close(); }
  auto executor() { return stream_.get_executor(); }

 private:
  static constexpr size_t kLingerBuf = 16 << 10;

  Core* const server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<bhttp::response<bhttp::string_body>> res_;
  std::string remote_;
  bool busy_ = false;     // a request is being handled or answered
  bool closing_ = false;  // shutdown began: close after the current exchange
  bool counted_in_flight_ = false;
  // The current exchange, for the access log.
  std::string method_;
  std::string target_;
  std::string request_id_;
  unsigned version_ = 11;
  int status_ = 0;
  Clock::time_point start_;
  std::unique_ptr<char[]> linger_buf_;
  size_t linger_left_ = 0;
};

bool Core::Register(Session* s, std::weak_ptr<Session> w) {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  if (draining_) return false;
  sessions_.emplace(s, std::move(w));
  return true;
}

void Core::Unregister(Session* s) {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  sessions_.erase(s);
}

std::vector<std::shared_ptr<Session>> Core::LiveSessions() {
  std::vector<std::shared_ptr<Session>> out;
  std::lock_guard<std::mutex> lock(sessions_mu_);
  for (auto& [ptr, weak] : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

Status Core::Listen() {
  try {
    beast::error_code ec;
    asio::ip::address address = asio::ip::make_address(options_.host, ec);
    if (ec) {
      // A host name ("localhost"): take the first address it resolves to.
      tcp::resolver resolver(ioc_);
      auto results = resolver.resolve(options_.host, std::to_string(options_.port), ec);
      if (ec || results.empty()) {
        return Status::InvalidArgument(
            "cannot resolve listen host '" + options_.host + "': " + ec.message(), "listen");
      }
      address = results.begin()->endpoint().address();
    }
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) return Status::Internal("socket: " + ec.message());
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    acceptor_.bind(endpoint, ec);
    if (ec) {
      acceptor_.close();
      return Status::Unavailable("cannot bind " + options_.host + ":" +
                                 std::to_string(options_.port) + ": " + ec.message());
    }
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      acceptor_.close();
      return Status::Unavailable("listen: " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("listen: ") + e.what());
  }
}

void Core::DoAccept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Typically EMFILE: back off instead of spinning on a full descriptor table.
      LogError("accept", ec.message());
      accept_retry_timer_.expires_after(std::chrono::milliseconds(50));
      accept_retry_timer_.async_wait([this](beast::error_code ec2) {
        if (!ec2 && !stopping_) DoAccept();
      });
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);  // small responses must not wait for Nagle
    std::make_shared<Session>(this, std::move(socket))->Start();
    DoAccept();
  });
}

void Core::RunIo() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      // Handlers are written not to throw; if one does, keep serving the other connections.
      LogError("io thread", e.what());
    }
  }
}

Status Core::Run() {
  if (!acceptor_.is_open()) return Status::FailedPrecondition("Run() before a successful Listen()");
  work_guard_.emplace(asio::make_work_guard(ioc_));
  DoAccept();
  std::vector<std::thread> threads;
  for (int i = 1; i < options_.io_threads; ++i) threads.emplace_back([this] { RunIo(); });
  RunIo();
  for (auto& t : threads) t.join();
  // No io thread runs now, so touching the sessions directly is safe.
  for (auto& s : LiveSessions()) s->CloseUnsynchronized();
  pool_->Stop(/*run_queued=*/false);
  return Status::Ok();
}

void Core::Shutdown() {
  if (stopping_.exchange(true)) return;
  asio::post(ioc_, [this] { BeginDrain(); });
}

void Core::BeginDrain() {
  beast::error_code ec;
  acceptor_.close(ec);
  accept_retry_timer_.cancel();
  if (signals_) signals_->cancel(ec);
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    draining_ = true;
  }
  for (auto& s : LiveSessions()) {
    asio::post(s->executor(), [s] { s->OnShutdown(); });
  }
  drain_deadline_ = Clock::now() + std::chrono::milliseconds(options_.drain_timeout_ms);
  CheckDrain();
}

void Core::CheckDrain() {
  if (in_flight_.load() > 0 && Clock::now() < drain_deadline_) {
    drain_timer_.expires_after(std::chrono::milliseconds(10));
    drain_timer_.async_wait([this](beast::error_code ec) {
      if (!ec) CheckDrain();
    });
    return;
  }
  if (in_flight_.load() > 0) LogError("shutdown", "drain timeout; closing busy connections");
  work_guard_.reset();
  ioc_.stop();
}

void Core::InstallSignalHandlers() {
  if (signals_) return;
  signals_.emplace(ioc_, SIGINT, SIGTERM);
  signals_->async_wait([this](beast::error_code ec, int /*signo*/) {
    if (!ec) Shutdown();
  });
}

}  // namespace

class Server::Impl : public Core {
 public:
  using Core::Core;
};

Server::Server(ServerOptions options, RequestHandler handler, AccessLogger logger)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(logger))) {}
Server::~Server() = default;

Status Server::Listen() { return impl_->Listen(); }
Status Server::Run() { return impl_->Run(); }
void Server::Shutdown() { impl_->Shutdown(); }
void Server::InstallSignalHandlers() { impl_->InstallSignalHandlers(); }
uint16_t Server::port() const { return impl_->port_.load(); }
uint64_t Server::requests_total() const { return impl_->requests_total_.load(); }
uint64_t Server::rejected_busy_total() const { return impl_->rejected_busy_total_.load(); }
int Server::in_flight() const { return impl_->in_flight_.load(); }

}  // namespace stio::http
