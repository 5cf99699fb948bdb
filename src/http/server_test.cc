// End-to-end tests against a real server on a loopback port, using the POSIX test client.
//
// The machine running these is small and shared: nothing here asserts on speed. Waits are bounded
// (generous deadlines) only so that a bug fails the test instead of hanging it.
#include "http/server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

#include "support/http_client.h"

namespace stio::http {
namespace {

using stio::testing::HttpClient;
using stio::testing::HttpResponse;
using stio::testing::SendRaw;
using namespace std::chrono_literals;

// Polls `cond` until true or a generous deadline; returns its final value.
bool WaitFor(const std::function<bool()>& cond, std::chrono::seconds limit = 60s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// A Server running Run() on its own thread for the lifetime of the object.
class TestServer {
 public:
  explicit TestServer(Server::RequestHandler handler, ServerOptions options = {},
                      Server::AccessLogger logger = nullptr)
      : server_(WithPortZero(std::move(options)), std::move(handler), std::move(logger)) {
    Status listen = server_.Listen();
    EXPECT_TRUE(listen.ok()) << listen.ToString();
    thread_ = std::thread([this] { run_status_ = server_.Run(); });
  }
  ~TestServer() { (void)Stop(); }

  // Shuts down and waits for Run() to return.
  Status Stop() {
    if (thread_.joinable()) {
      server_.Shutdown();
      thread_.join();
    }
    return run_status_;
  }
  // Waits for Run() to return without asking it to (after a signal, say).
  Status Join() {
    if (thread_.joinable()) thread_.join();
    return run_status_;
  }

  Server& server() { return server_; }
  uint16_t port() { return server_.port(); }
  HttpClient Client() { return HttpClient("127.0.0.1", port()); }

 private:
  static ServerOptions WithPortZero(ServerOptions o) {
    o.host = "127.0.0.1";
    o.port = 0;
    return o;
  }
  Server server_;
  std::thread thread_;
  Status run_status_;
};

// Echoes what the server parsed, as "key=value" lines.
Response Echo(Request& req) {
  std::string out = "method=" + req.method + "\npath=" + req.path + "\ntarget=" + req.target +
                    "\nbody=" + req.body + "\nremote=" + req.remote_address + "\n";
  for (const auto& [k, v] : req.query) out += "query." + k + "=" + v + "\n";
  out += "x-test=" + std::string(req.headers.Get("X-Test").value_or("")) + "\n";
  Response res;
  res.body = std::move(out);  // no Content-Type: the server supplies a default
  res.headers.Add("Set-Cookie", "a=1; Path=/");
  res.headers.Add("Set-Cookie", "b=2; Path=/");
  return res;
}

TEST(ServerTest, ListenOnPortZeroPicksAPort) {
  TestServer ts(Echo);
  EXPECT_NE(ts.port(), 0);
}

TEST(ServerTest, AnswersGetAndPost) {
  TestServer ts(Echo);
  HttpClient client = ts.Client();
  auto get = client.Get("/api/v1/things/a%20b?x=1&y=Thanh+H%C3%B3a&x=2", {{"X-Test", "hello"}});
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_EQ(get->status, 200);
  EXPECT_NE(get->body.find("method=GET\n"), std::string::npos) << get->body;
  EXPECT_NE(get->body.find("path=/api/v1/things/a b\n"), std::string::npos) << get->body;
  EXPECT_NE(get->body.find("target=/api/v1/things/a%20b?x=1&y=Thanh+H%C3%B3a&x=2\n"),
            std::string::npos);
  EXPECT_NE(get->body.find("query.x=1\nquery.x=2\n"), std::string::npos) << get->body;
  EXPECT_NE(get->body.find("query.y=Thanh H\xC3\xB3"
                           "a\n"),
            std::string::npos)
      << get->body;
  EXPECT_NE(get->body.find("x-test=hello\n"), std::string::npos);
  EXPECT_NE(get->body.find("remote=127.0.0.1\n"), std::string::npos);
  EXPECT_EQ(get->Header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(get->Header("content-length"), std::to_string(get->body.size()));
  EXPECT_EQ(get->headers["set-cookie"], "a=1; Path=/\nb=2; Path=/");

  auto post = client.Post("/echo", R"({"name":"Sở KH&CN"})");
  ASSERT_TRUE(post.ok()) << post.status().ToString();
  EXPECT_EQ(post->status, 200);
  EXPECT_NE(post->body.find("method=POST\n"), std::string::npos);
  EXPECT_NE(post->body.find(R"(body={"name":"Sở KH&CN"})"), std::string::npos) << post->body;

  auto del = client.Delete("/x/1");
  ASSERT_TRUE(del.ok());
  EXPECT_NE(del->body.find("method=DELETE\n"), std::string::npos);
  auto patch = client.Patch("/x/1", "{}");
  ASSERT_TRUE(patch.ok());
  EXPECT_NE(patch->body.find("method=PATCH\n"), std::string::npos);
  EXPECT_EQ(ts.server().requests_total(), 4u);
}

TEST(ServerTest, StatusesHeadersAndEmptyBodies) {
  TestServer ts([](Request& req) {
    if (req.path == "/created") {
      Response r = Response::Json(201, R"({"id":1})");
      r.headers.Set("Location", "/things/1");
      return r;
    }
    if (req.path == "/nocontent") {
      Response r;
      r.status = 204;
      r.body = "ignored";  // a 204 must not carry a body; the server drops it
      return r;
    }
    if (req.path == "/throw") throw std::runtime_error("boom");
    return Response::Text(404, "not here");
  });
  HttpClient client = ts.Client();
  auto created = client.Post("/created", "{}");
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->status, 201);
  EXPECT_EQ(created->Header("content-type"), "application/json");
  EXPECT_EQ(created->Header("location"), "/things/1");
  EXPECT_EQ(created->body, R"({"id":1})");
  auto none = client.Delete("/nocontent");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(none->status, 204);
  EXPECT_EQ(none->body, "");
  auto thrown = client.Get("/throw");
  ASSERT_TRUE(thrown.ok());
  EXPECT_EQ(thrown->status, 500);
  EXPECT_EQ(thrown->Header("content-type"), "application/problem+json");
  EXPECT_EQ(thrown->body.find("boom"), std::string::npos);  // internals stay in the log
  auto missing = client.Get("/missing");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
}

TEST(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestServer ts(Echo);
  HttpClient client = ts.Client();
  client.set_keep_alive(true);
  for (int i = 0; i < 5; ++i) {
    auto res = client.Post("/n", std::to_string(i));
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    EXPECT_EQ(res->status, 200);
    EXPECT_NE(res->body.find("body=" + std::to_string(i) + "\n"), std::string::npos);
    EXPECT_NE(res->Header("connection"), "close");
  }
  EXPECT_EQ(client.connections_opened(), 1);
  EXPECT_EQ(ts.server().requests_total(), 5u);
}

TEST(ServerTest, ManyConcurrentClientsOnSeveralIoThreads) {
  ServerOptions options;
  options.io_threads = 2;
  options.worker_threads = 3;
  options.queue_capacity = 1000;  // no 503s wanted here
  TestServer ts(Echo, options);
  constexpr int kThreads = 8;
  constexpr int kRequests = 40;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client = ts.Client();
      client.set_keep_alive(t % 2 == 0);  // half reuse one connection, half reconnect each time
      for (int i = 0; i < kRequests; ++i) {
        std::string body = std::to_string(t) + ":" + std::to_string(i);
        auto res = client.Post("/c", body);
        if (res.ok() && res->status == 200 &&
            res->body.find("body=" + body + "\n") != std::string::npos) {
          ++ok;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kRequests);
  EXPECT_EQ(ts.server().requests_total(), static_cast<uint64_t>(kThreads * kRequests));
  EXPECT_EQ(ts.server().rejected_busy_total(), 0u);
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  TestServer ts(Echo);
  auto raw = SendRaw("127.0.0.1", ts.port(),
                     "GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                     "POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                     "GET /third HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(raw.ok());
  size_t first = raw->find("path=/first");
  size_t second = raw->find("path=/second");
  size_t third = raw->find("path=/third");
  ASSERT_NE(first, std::string::npos) << *raw;
  ASSERT_NE(second, std::string::npos) << *raw;
  ASSERT_NE(third, std::string::npos) << *raw;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_NE(raw->find("body=abc"), std::string::npos);
}

TEST(ServerTest, ChunkedRequestBodyAndExpectContinue) {
  TestServer ts(Echo);
  auto chunked = SendRaw("127.0.0.1", ts.port(),
                         "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  ASSERT_TRUE(chunked.ok());
  EXPECT_NE(chunked->find("body=abcde\n"), std::string::npos) << *chunked;

  auto expect = SendRaw("127.0.0.1", ts.port(),
                        "POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                        "Content-Length: 5\r\n\r\nhello");
  ASSERT_TRUE(expect.ok());
  EXPECT_EQ(expect->rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << *expect;
  EXPECT_NE(expect->find("HTTP/1.1 200 OK\r\n"), std::string::npos) << *expect;
  EXPECT_NE(expect->find("body=hello\n"), std::string::npos);
}

TEST(ServerTest, OversizedBodyGets413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  std::atomic<int> handled{0};
  TestServer ts(
      [&](Request& req) {
        ++handled;
        return Echo(req);
      },
      options);
  HttpClient client = ts.Client();
  auto ok = client.Post("/upload", std::string(1024, 'a'));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200);

  auto big = client.Post("/upload", std::string(256 << 10, 'a'));
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(big->Header("content-type"), "application/problem+json");
  EXPECT_NE(big->body.find("\"status\":413"), std::string::npos) << big->body;

  // Chunked bodies are limited too (the declared size cannot be checked up front).
  std::string chunks;
  for (int i = 0; i < 8; ++i) chunks += "200\r\n" + std::string(512, 'b') + "\r\n";
  auto raw = SendRaw(
      "127.0.0.1", ts.port(),
      "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->rfind("HTTP/1.1 413", 0), 0u) << raw->substr(0, 200);
  EXPECT_EQ(handled.load(), 1);

  // The server still works afterwards.
  auto again = client.Get("/after");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 200);
}

TEST(ServerTest, OversizedHeadersGet431AndGarbageGets400) {
  ServerOptions options;
  options.max_header_bytes = 4096;
  TestServer ts(Echo, options);
  HttpClient client = ts.Client();
  auto big = client.Get("/", {{"X-Big", std::string(8192, 'h')}});
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->status, 431);
  EXPECT_EQ(big->Header("content-type"), "application/problem+json");

  for (std::string junk : {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
                           std::string("GET / HTTP/1.1\r\nBad Header\r\n\r\n"),
                           std::string("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
                           std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)}) {
    auto raw = SendRaw("127.0.0.1", ts.port(), junk);
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(raw->rfind("HTTP/1.1 400", 0), 0u) << "for input " << junk << " got " << *raw;
  }
  // A client that disconnects mid-request gets nothing and harms nothing.
  auto partial = SendRaw("127.0.0.1", ts.port(), "GET /half HTTP/1.1\r\nHost:");
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(*partial, "");
  auto after = client.Get("/after");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, 200);
}

TEST(ServerTest, ReadTimeoutClosesIdleConnections) {
  ServerOptions options;
  options.read_timeout_ms = 200;
  TestServer ts(Echo, options);
  // No half-close: the server must give up on its own (the client's own limit is far longer).
  auto raw = SendRaw("127.0.0.1", ts.port(), "GET /slow HTTP/1.1\r\n", /*timeout_ms=*/60000,
                     /*half_close=*/false);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*raw, "");
}

TEST(ServerTest, FullPoolAnswers503AndQueuedRequestsCompleteAfterRelease) {
  ServerOptions options;
  options.worker_threads = 1;
  options.queue_capacity = 1;
  std::latch release(1);
  TestServer ts(
      [&](Request&) {
        release.wait();
        return Response::Json(200, R"({"ok":true})");
      },
      options);

  constexpr int kClients = 6;
  std::vector<HttpResponse> results(kClients);
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client = ts.Client();
      client.set_timeout_ms(120000);
      auto res = client.Get("/block");
      if (res.ok()) results[i] = *res;
      ++finished;
    });
  }
  // One request runs and blocks, at most one waits in the queue; every other one must already
  // have been answered 503 without waiting for the handler.
  ASSERT_TRUE(WaitFor([&] { return finished.load() + ts.server().in_flight() == kClients; }))
      << "finished=" << finished.load() << " in_flight=" << ts.server().in_flight();
  const int accepted = ts.server().in_flight();
  EXPECT_GE(accepted, 1);
  EXPECT_LE(accepted, 2);
  EXPECT_EQ(ts.server().rejected_busy_total(), static_cast<uint64_t>(kClients - accepted));
  release.count_down();
  for (auto& t : threads) t.join();

  int ok = 0, busy = 0;
  for (const auto& r : results) {
    if (r.status == 200) {
      ++ok;
      EXPECT_EQ(r.body, R"({"ok":true})");
    } else {
      EXPECT_EQ(r.status, 503);
      EXPECT_EQ(r.Header("retry-after"), "1");
      EXPECT_EQ(r.Header("content-type"), "application/problem+json");
      EXPECT_EQ(r.body, R"({"type":"about:blank","title":"Service Unavailable","status":503,)"
                        R"("detail":"server busy, retry later"})");
      ++busy;
    }
  }
  EXPECT_EQ(ok, accepted);
  EXPECT_EQ(busy, kClients - accepted);
  // The gauge drops after the write completes, which may be just after the client has read it.
  EXPECT_TRUE(WaitFor([&] { return ts.server().in_flight() == 0; }));
  EXPECT_EQ(ts.server().requests_total(), static_cast<uint64_t>(kClients));
}

TEST(ServerTest, GracefulShutdownLetsInFlightRequestFinish) {
  std::latch release(1);
  std::promise<void> entered;
  TestServer ts([&](Request& req) {
    if (req.path == "/slow") {
      entered.set_value();
      release.wait();
      return Response::Text(200, "finished");
    }
    return Response::Text(200, "quick");
  });

  // An idle keep-alive connection must not hold shutdown up until its read timeout.
  HttpClient idle = ts.Client();
  idle.set_keep_alive(true);
  auto first = idle.Get("/quick");
  ASSERT_TRUE(first.ok());

  std::promise<Result<HttpResponse>> slow_result;
  std::thread slow([&] {
    HttpClient client = ts.Client();
    client.set_keep_alive(true);  // the server must still close it after the response
    slow_result.set_value(client.Get("/slow"));
  });
  entered.get_future().wait();
  ts.server().Shutdown();
  // New connections are refused once the acceptor is closed.
  ASSERT_TRUE(WaitFor([&] { return !ts.Client().Get("/quick").ok(); }));
  release.count_down();
  Status run = ts.Join();
  EXPECT_TRUE(run.ok()) << run.ToString();
  slow.join();
  auto res = slow_result.get_future().get();
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "finished");
  EXPECT_EQ(res->Header("connection"), "close");
}

TEST(ServerTest, DrainTimeoutBoundsShutdown) {
  ServerOptions options;
  options.drain_timeout_ms = 100;
  std::latch release(1);
  std::promise<void> entered;
  TestServer ts(
      [&](Request&) {
        entered.set_value();
        release.wait();
        return Response::Text(200, "too late");
      },
      options);
  std::thread stuck([&] {
    HttpClient client = ts.Client();
    auto res = client.Get("/stuck");
    EXPECT_FALSE(res.ok() && res->status == 200);  // the connection was closed under it
  });
  entered.get_future().wait();
  ts.server().Shutdown();
  // Run() returns once the drain deadline passes, although the handler is still running... except
  // that Run() also joins the workers, so release the handler from another thread once the
  // connection has been cut.
  std::thread releaser([&] {
    stuck.join();
    release.count_down();
  });
  Status run = ts.Join();
  EXPECT_TRUE(run.ok());
  releaser.join();
}

TEST(ServerTest, ShutdownBeforeRunMakesRunReturn) {
  Server server(ServerOptions{.port = 0}, Echo);
  ASSERT_TRUE(server.Listen().ok());
  server.Shutdown();
  server.Shutdown();  // idempotent
  EXPECT_TRUE(server.Run().ok());
}

TEST(ServerTest, HeaderNamesGoOutConventionallySpelled) {
  TestServer ts([](Request&) {
    Response r = Response::Json(200, "{}");
    r.headers.Set("x-custom-thing", "1");
    return r;
  });
  auto raw =
      SendRaw("127.0.0.1", ts.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(raw.ok());
  EXPECT_NE(raw->find("\r\nContent-Type: application/json\r\n"), std::string::npos) << *raw;
  EXPECT_NE(raw->find("\r\nX-Custom-Thing: 1\r\n"), std::string::npos) << *raw;
  EXPECT_NE(raw->find("\r\nContent-Length: 2\r\n"), std::string::npos) << *raw;
}

TEST(ServerTest, SignalTriggersShutdown) {
  TestServer ts(Echo);
  ts.server().InstallSignalHandlers();
  HttpClient client = ts.Client();
  ASSERT_TRUE(client.Get("/").ok());
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  Status run = ts.Join();
  EXPECT_TRUE(run.ok());
}

TEST(ServerTest, AccessLoggerSeesEveryRequest) {
  std::mutex mu;
  std::vector<AccessLogEntry> entries;
  TestServer ts(Echo, {}, [&](const AccessLogEntry& e) {
    std::lock_guard<std::mutex> lock(mu);
    entries.push_back(e);
  });
  HttpClient client = ts.Client();
  ASSERT_TRUE(client.Get("/logged?x=1").ok());
  ASSERT_TRUE(client.Post("/posted", "abc").ok());
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return entries.size() == 2;
  }));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(entries[0].method, "GET");
  EXPECT_EQ(entries[0].target, "/logged?x=1");
  EXPECT_EQ(entries[0].status, 200);
  EXPECT_EQ(entries[0].remote_address, "127.0.0.1");
  EXPECT_GT(entries[0].response_bytes, 0u);
  EXPECT_GE(entries[0].duration_ms, 0.0);
  EXPECT_EQ(entries[1].method, "POST");
  EXPECT_FALSE(entries[0].request_id.empty());
  EXPECT_NE(entries[0].request_id, entries[1].request_id);
}

TEST(ServerTest, RequestIdIsEchoedOrGenerated) {
  TestServer ts([](Request& req) {
    return Response::Text(200, std::string(req.headers.Get("x-request-id").value_or("")));
  });
  HttpClient client = ts.Client();
  auto generated = client.Get("/");
  ASSERT_TRUE(generated.ok());
  EXPECT_FALSE(generated->body.empty());
  EXPECT_EQ(generated->Header("x-request-id"), generated->body);  // the handler saw the same id
  auto echoed = client.Get("/", {{"X-Request-Id", "abc-123"}});
  ASSERT_TRUE(echoed.ok());
  EXPECT_EQ(echoed->Header("x-request-id"), "abc-123");
  auto hostile = client.Get("/", {{"X-Request-Id", "bad id\x01<script>"}});
  ASSERT_TRUE(hostile.ok());
  EXPECT_NE(hostile->Header("x-request-id"), "bad id\x01<script>");
  EXPECT_FALSE(hostile->Header("x-request-id").empty());
}

TEST(ServerTest, ListenFailsCleanly) {
  TestServer first(Echo);
  ServerOptions options;
  options.port = first.port();  // taken
  Server second(options, Echo);
  Status s = second.Listen();
  EXPECT_FALSE(s.ok());
  Server third(ServerOptions{.host = "no-such-host.invalid"}, Echo);
  EXPECT_FALSE(third.Listen().ok());
  Server never(ServerOptions{}, Echo);
  EXPECT_FALSE(never.Run().ok());  // Run() before Listen()
}

TEST(HttpClientTest, ConnectionRefusedIsAnError) {
  uint16_t port;
  {
    TestServer ts(Echo);
    port = ts.port();
  }
  HttpClient client("127.0.0.1", port);
  auto res = client.Get("/");
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
}

TEST(HttpClientTest, CookieJar) {
  TestServer ts([](Request& req) {
    Response r = Response::Text(200, std::string(req.headers.Get("cookie").value_or("")));
    if (req.path == "/login") r.headers.Add("Set-Cookie", "stio_session=s1; HttpOnly; Path=/");
    if (req.path == "/logout") r.headers.Add("Set-Cookie", "stio_session=; Max-Age=0; Path=/");
    return r;
  });
  HttpClient client = ts.Client();
  client.EnableCookies();
  ASSERT_TRUE(client.Post("/login", "").ok());
  auto me = client.Get("/me");
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->body, "stio_session=s1");
  ASSERT_TRUE(client.Post("/logout", "").ok());
  EXPECT_TRUE(client.cookies().empty());
}

}  // namespace
}  // namespace stio::http
