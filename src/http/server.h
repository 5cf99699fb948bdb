// The HTTP server: Boost.Beast underneath, our Request/Response on top.
//
// Connections are accepted and read on a small set of I/O threads; each complete request is handed
// to a bounded worker pool that runs the handler (database and analytics work happens there). When
// the pool's queue is full the server answers 503 with a problem+json body at once, without
// running the handler. Bodies above `max_body_bytes` get 413; headers above `max_header_bytes`
// get 431. Keep-alive and pipelined requests are served in order. TCP_NODELAY is set.
//
// Shutdown(): stop accepting, let requests in flight finish (up to `drain_timeout_ms`), close idle
// connections, and return from Run(). InstallSignalHandlers() makes SIGTERM and SIGINT call it.
// Run() also waits for handlers that are still running when the drain deadline passes (their
// connections are closed, their responses discarded): handlers must not block forever.
//
// Every response carries X-Request-Id: the client's own (if it is at most 64 characters of
// [A-Za-z0-9-_.:]) or a generated one, which the handler also sees in the request headers.
//
// Thread-safety: Run() blocks the calling thread; Shutdown() may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/message.h"

namespace stio::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port (see Server::port())
  int io_threads = 1;
  int worker_threads = 4;
  int queue_capacity = 256;         // requests waiting for a worker before 503
  size_t max_body_bytes = 8 << 20;  // 8 MiB
  size_t max_header_bytes = 16 << 10;
  int read_timeout_ms = 30000;
  int drain_timeout_ms = 10000;
  bool tls = false;  // reserved: TLS termination is expected at a reverse proxy
};

// One line per request is passed here after the response is written.
struct AccessLogEntry {
  std::string remote_address;
  std::string method;
  std::string target;
  int status;
  size_t response_bytes;
  double duration_ms;      // from the complete request to the last byte written
  std::string request_id;  // X-Request-Id: the client's if acceptable, else generated
};

class Server {
 public:
  using RequestHandler = std::function<Response(Request&)>;
  using AccessLogger = std::function<void(const AccessLogEntry&)>;

  Server(ServerOptions options, RequestHandler handler, AccessLogger logger = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. After it returns OK, port() is the bound port.
  Status Listen();
  // Serves until Shutdown(). REQUIRES: Listen() returned OK.
  Status Run();
  void Shutdown();
  // Makes SIGTERM/SIGINT call Shutdown() on this server.
  void InstallSignalHandlers();

  uint16_t port() const;
  // Counters for /metrics.
  uint64_t requests_total() const;
  uint64_t rejected_busy_total() const;
  int in_flight() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stio::http
