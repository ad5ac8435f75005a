// Tests of the outgoing HTTP client against a small server in this process, on 127.0.0.1.
#include "core/http/client.h"

#include <atomic>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include "support/run_coro.h"

namespace thorbecke::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

using testing::RunCoro;

// Answers requests on 127.0.0.1: "/missing" is a 404, "/big" a 1000-byte body, "/garbage" not HTTP at all,
// "/echo" 201 with the method, Authorization, Content-Type and body; any other target 200 with a body that
// echoes the target, Host and Accept.
class TinyServer {
  public:
    explicit TinyServer(asio::io_context& ctx) : acceptor_(ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        asio::co_spawn(ctx, Accept(), asio::detached);
    }
    [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    [[nodiscard]] std::string Url(std::string_view target) const {
        return fmt::format("http://127.0.0.1:{}{}", port(), target);
    }
    std::atomic<int> requests = 0;

  private:
    asio::awaitable<void> Accept() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
            if (ec) co_return;
            asio::co_spawn(acceptor_.get_executor(), Serve(beast::tcp_stream(std::move(socket))), asio::detached);
        }
    }

    asio::awaitable<void> Serve(beast::tcp_stream stream) {
        beast::flat_buffer buffer;
        bhttp::request<bhttp::string_body> request;
        auto [ec, n] = co_await bhttp::async_read(stream, buffer, request, kTuple);
        if (ec) co_return;
        ++requests;
        std::string target(request.target());
        if (target == "/garbage") {
            std::string junk = "dit is geen HTTP\r\n\r\n";
            co_await asio::async_write(stream, asio::buffer(junk), kTuple);
        } else {
            bhttp::response<bhttp::string_body> response{bhttp::status::ok, 11};
            response.set(bhttp::field::content_type, "text/plain");
            if (target == "/missing") {
                response.result(bhttp::status::not_found);
                response.body() = "niet gevonden";
            } else if (target == "/echo") {
                response.result(bhttp::status::created);
                response.body() = fmt::format(
                    "{}|{}|{}|{}",
                    std::string_view(request.method_string()),
                    std::string_view(request[bhttp::field::authorization]),
                    std::string_view(request[bhttp::field::content_type]),
                    request.body()
                );
            } else if (target == "/big") {
                response.body() = std::string(1000, 'x');
            } else {
                response.body() =
                    fmt::format("{} {} {}", target, request[bhttp::field::host], request[bhttp::field::accept]);
            }
            response.prepare_payload();
            co_await bhttp::async_write(stream, response, kTuple);
        }
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    tcp::acceptor acceptor_;
};

std::unique_ptr<HttpClient> Client(ClientOptions options = {}) {
    auto made = MakeHttpClient(std::move(options));
    if (!made) throw std::runtime_error(made.error().detail);
    return std::move(*made);
}

ClientOptions Short(std::chrono::milliseconds timeout, std::size_t max_body_bytes = 1 << 20) {
    ClientOptions options;
    options.timeout = timeout;
    options.max_body_bytes = max_body_bytes;
    return options;
}

ClientOptions Blocking(std::vector<std::string> allowed_hosts = {}) {
    ClientOptions options = Short(2000ms);
    options.block_private_addresses = true;
    options.allowed_hosts = std::move(allowed_hosts);
    return options;
}

ClientRequest Post(std::string url, std::string body = R"({"kanaal":"zaken"})") {
    ClientRequest request;
    request.url = std::move(url);
    request.headers = {{"Authorization", "Bearer geheim"}, {"Content-Type", "application/json"}};
    request.body = std::move(body);
    return request;
}

class HttpClientTest : public ::testing::Test {
  protected:
    Result<ClientAnswer> Get(HttpClient& client, std::string url) { return RunCoro(ctx_, client.Get(std::move(url))); }
    Result<ClientAnswer> Send(HttpClient& client, ClientRequest request) {
        return RunCoro(ctx_, client.Send(std::move(request)));
    }

    asio::io_context ctx_;
    TinyServer server_{ctx_};
};

TEST_F(HttpClientTest, GetsABody) {
    auto client = Client();
    auto answer = Get(*client, server_.Url("/pad/naar?x=1&y=%20"));
    ASSERT_TRUE(answer) << answer.error().detail;
    EXPECT_EQ(answer->status, 200u);
    EXPECT_EQ(answer->body, fmt::format("/pad/naar?x=1&y=%20 127.0.0.1:{} application/json", server_.port()));
    EXPECT_EQ(server_.requests, 1);
}

TEST_F(HttpClientTest, EmptyPathIsTheRoot) {
    auto client = Client();
    auto answer = Get(*client, fmt::format("http://127.0.0.1:{}", server_.port()));
    ASSERT_TRUE(answer) << answer.error().detail;
    EXPECT_EQ(answer->body.substr(0, 2), "/ ");
}

TEST_F(HttpClientTest, NotFoundPassesThrough) {
    auto client = Client();
    auto answer = Get(*client, server_.Url("/missing"));
    ASSERT_TRUE(answer) << answer.error().detail;
    EXPECT_EQ(answer->status, 404u);
    EXPECT_EQ(answer->body, "niet gevonden");
}

TEST_F(HttpClientTest, ConnectionRefusedIsUnreachable) {
    std::uint16_t port = 0;
    {
        tcp::acceptor probe(ctx_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        port = probe.local_endpoint().port();
    }
    auto client = Client(Short(2000ms));
    std::string url = fmt::format("http://127.0.0.1:{}/x", port);
    auto answer = Get(*client, url);
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().status, 503);
    EXPECT_EQ(answer.error().code, "unreachable");
    EXPECT_NE(answer.error().detail.find(url), std::string::npos) << answer.error().detail;
}

TEST_F(HttpClientTest, SilentServerTimesOut) {
    // Listens but never accepts: the kernel completes the connection, nobody ever answers.
    tcp::acceptor silent(ctx_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    auto client = Client(Short(300ms));
    auto start = std::chrono::steady_clock::now();
    auto answer = Get(*client, fmt::format("http://127.0.0.1:{}/x", silent.local_endpoint().port()));
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().status, 503);
    EXPECT_EQ(answer.error().code, "unreachable");
    EXPECT_NE(answer.error().detail.find("time-out"), std::string::npos) << answer.error().detail;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 3s);
}

TEST_F(HttpClientTest, OversizedBodyIsABadAnswer) {
    auto client = Client(Short(2000ms, 100));
    auto answer = Get(*client, server_.Url("/big"));
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().status, 502);
    EXPECT_EQ(answer.error().code, "bad-answer");
    EXPECT_NE(answer.error().detail.find("te groot"), std::string::npos) << answer.error().detail;

    auto fits = Client(Short(2000ms, 1000));
    auto ok = Get(*fits, server_.Url("/big"));
    ASSERT_TRUE(ok) << ok.error().detail;
    EXPECT_EQ(ok->body.size(), 1000u);
}

TEST_F(HttpClientTest, NotHttpIsABadAnswer) {
    auto client = Client(Short(2000ms));
    auto answer = Get(*client, server_.Url("/garbage"));
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().status, 502);
    EXPECT_EQ(answer.error().code, "bad-answer");
}

TEST_F(HttpClientTest, HttpsToAPlainServerFailsTheHandshake) {
    auto client = Client(Short(2000ms));
    auto answer = Get(*client, fmt::format("https://localhost:{}/x", server_.port()));
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().status, 502);
    EXPECT_EQ(answer.error().code, "bad-answer");
    EXPECT_NE(answer.error().detail.find("TLS"), std::string::npos) << answer.error().detail;
    EXPECT_EQ(server_.requests, 0);
}

TEST_F(HttpClientTest, InvalidUrls) {
    auto client = Client();
    for (const char* bad :
         {"ftp://x",
          "not a url",
          "",
          "/relative/path",
          "http:///zonder-host",
          "http://user:secret@127.0.0.1/x",
          "http://127.0.0.1/x#fragment",
          "http://127.0.0.1:99999/x"}) {
        auto answer = Get(*client, bad);
        ASSERT_FALSE(answer) << bad;
        EXPECT_EQ(answer.error().status, 400) << bad;
        EXPECT_EQ(answer.error().code, "invalid-url") << bad;
    }
    EXPECT_EQ(server_.requests, 0);
}

TEST_F(HttpClientTest, CachingClientRemembersOnlySuccessForItsTime) {
    auto inner = Client();
    auto cached = MakeCachingHttpClient(*inner, 200ms);
    auto first = Get(*cached, server_.Url("/zaak/1"));
    ASSERT_TRUE(first) << first.error().detail;
    auto again = Get(*cached, server_.Url("/zaak/1"));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->body, first->body);
    EXPECT_EQ(server_.requests, 1);  // the second came from memory
    // A 404 is asked again every time: the resource may appear.
    EXPECT_EQ(Get(*cached, server_.Url("/missing"))->status, 404u);
    EXPECT_EQ(Get(*cached, server_.Url("/missing"))->status, 404u);
    EXPECT_EQ(server_.requests, 3);
    std::this_thread::sleep_for(250ms);
    ASSERT_TRUE(Get(*cached, server_.Url("/zaak/1")));
    EXPECT_EQ(server_.requests, 4);  // expired
}

TEST_F(HttpClientTest, CachingClientStaysBounded) {
    auto inner = Client();
    auto cached = MakeCachingHttpClient(*inner, 10s, 2);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Get(*cached, server_.Url(fmt::format("/r/{}", i))));
    EXPECT_EQ(server_.requests, 3);
    ASSERT_TRUE(Get(*cached, server_.Url("/r/2")));  // kept after the clear
    EXPECT_EQ(server_.requests, 3);
}

TEST_F(HttpClientTest, SendPostsTheBodyAndHeaders) {
    auto client = Client();
    auto answer = Send(*client, Post(server_.Url("/echo")));
    ASSERT_TRUE(answer) << answer.error().detail;
    EXPECT_EQ(answer->status, 201u);
    EXPECT_EQ(answer->body, R"(POST|Bearer geheim|application/json|{"kanaal":"zaken"})");

    ClientRequest put = Post(server_.Url("/echo"), "");
    put.method = "PUT";
    put.headers.clear();
    auto empty = Send(*client, put);
    ASSERT_TRUE(empty) << empty.error().detail;
    EXPECT_EQ(empty->body, "PUT|||");
    EXPECT_EQ(server_.requests, 2);
}

TEST_F(HttpClientTest, SendRefusesBadMethodsAndHeaders) {
    auto client = Client();
    ClientRequest unknown = Post(server_.Url("/echo"));
    unknown.method = "FROB LE";
    std::vector<ClientRequest> bad{unknown};
    for (auto header : std::vector<std::pair<std::string, std::string>>{
             {"Authorization", "Bearer x\r\nX-Evil: 1"},
             {"Authorization", "a\nb"},
             {"X Evil", "1"},
             {"X-Evil:", "1"},
             {"", "1"}}) {
        ClientRequest request = Post(server_.Url("/echo"));
        request.headers = {header};
        bad.push_back(request);
    }
    for (auto& request : bad) {
        auto answer = Send(*client, request);
        ASSERT_FALSE(answer) << request.method << " " << request.headers.size();
        EXPECT_EQ(answer.error().status, 400);
        EXPECT_EQ(answer.error().code, "invalid-request");
    }
    auto url = Send(*client, Post("ftp://127.0.0.1/x"));
    ASSERT_FALSE(url);
    EXPECT_EQ(url.error().code, "invalid-url");
    EXPECT_EQ(server_.requests, 0);
}

TEST_F(HttpClientTest, PolicyRefusesLoopbackUnlessListed) {
    auto blocking = Client(Blocking());
    auto refused = Send(*blocking, Post(server_.Url("/echo")));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().status, 403);
    EXPECT_EQ(refused.error().code, "forbidden-address");
    EXPECT_NE(refused.error().detail.find("127.0.0.1"), std::string::npos) << refused.error().detail;
    // A name is judged by what it resolves to.
    auto by_name = Get(*blocking, fmt::format("http://localhost:{}/x", server_.port()));
    ASSERT_FALSE(by_name);
    EXPECT_EQ(by_name.error().code, "forbidden-address");
    EXPECT_EQ(server_.requests, 0);

    auto listed = Client(Blocking({"example.org", "127.0.0.1"}));
    auto sent = Send(*listed, Post(server_.Url("/echo")));
    ASSERT_TRUE(sent) << sent.error().detail;
    EXPECT_EQ(sent->status, 201u);
    // Listing a name allows that name (any case), not the addresses it resolves to under other names.
    auto named = Client(Blocking({"LocalHost"}));
    auto got = Get(*named, fmt::format("http://localhost:{}/x", server_.port()));
    ASSERT_TRUE(got) << got.error().detail;
    EXPECT_EQ(got->status, 200u);
    auto other = Get(*named, server_.Url("/x"));
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, "forbidden-address");
    EXPECT_EQ(server_.requests, 2);

    auto off = Client(Short(2000ms));  // no policy: everything may be reached (the default)
    ASSERT_TRUE(Send(*off, Post(server_.Url("/echo"))));
}

TEST_F(HttpClientTest, PolicyRefusesInternalAndReservedAddresses) {
    auto client = Client(Blocking({"192.0.2.99", "[::2]"}));
    for (const char* url :
         {"http://0.0.0.0/x",
          "http://10.1.2.3/x",
          "http://100.64.0.1/x",
          "http://127.1.2.3/x",
          "http://169.254.169.254/latest/meta-data",
          "http://172.16.0.1/x",
          "http://172.31.255.255/x",
          "http://192.168.1.1/x",
          "http://224.0.0.1/x",
          "http://255.255.255.255/x",
          "http://[::]/x",
          "http://[::1]/x",
          "http://[::ffff:127.0.0.1]/x",
          "http://[::ffff:10.0.0.1]/x",
          "http://[fc00::1]/x",
          "http://[fd12:3456::1]/x",
          "http://[fe80::1]/x",
          "http://[ff02::1]/x",
          "http://[64:ff9b::a00:1]/x",
          "http://[2002:c0a8:0101::1]/x"}) {
        auto answer = Get(*client, url);
        ASSERT_FALSE(answer) << url;
        EXPECT_EQ(answer.error().code, "forbidden-address") << url << ": " << answer.error().detail;
    }
    // Public and listed addresses pass the policy (and then fail to connect in a test network, quickly).
    auto quick = Blocking({"192.0.2.99", "[::2]"});
    quick.timeout = 300ms;
    auto fast = Client(quick);
    for (const char* url :
         {"http://172.32.0.1/x",
          "http://100.128.0.1/x",
          "http://192.0.2.99/x",
          "http://[::2]/x",
          "http://[2001:db8::1]/x"}) {
        auto answer = Get(*fast, url);
        if (!answer) {
            EXPECT_NE(answer.error().code, "forbidden-address") << url;
        }
    }
}

TEST_F(HttpClientTest, CachingClientPassesSendOn) {
    auto inner = Client();
    auto cached = MakeCachingHttpClient(*inner, 10s);
    for (int i = 0; i < 2; ++i) {
        auto answer = Send(*cached, Post(server_.Url("/echo")));
        ASSERT_TRUE(answer) << answer.error().detail;
        EXPECT_EQ(answer->status, 201u);
    }
    EXPECT_EQ(server_.requests, 2);
}

TEST(HttpClientMakeTest, MissingCaFileFails) {
    ClientOptions options;
    options.ca_file = "/nonexistent/thorbecke-ca.pem";
    EXPECT_FALSE(MakeHttpClient(options));
    EXPECT_TRUE(MakeHttpClient());
}

// One client, used from several threads at once, each with its own io_context.
TEST(HttpClientThreadsTest, OneClientOnSeveralThreads) {
    asio::io_context server_ctx;
    TinyServer server(server_ctx);
    auto work = asio::make_work_guard(server_ctx);
    std::thread server_thread([&] { server_ctx.run(); });

    auto client = Client(Short(5000ms));
    constexpr int kThreads = 4;
    constexpr int kRequests = 10;
    std::atomic<int> good = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            asio::io_context ctx;
            for (int i = 0; i < kRequests; ++i) {
                std::string target = fmt::format("/t{}/r{}", t, i);
                auto answer = RunCoro(ctx, client->Get(server.Url(target)));
                if (answer && answer->status == 200 && answer->body.starts_with(target + " ")) ++good;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    work.reset();
    server_ctx.stop();
    server_thread.join();
    EXPECT_EQ(good, kThreads * kRequests);
    EXPECT_EQ(server.requests, kThreads * kRequests);
}

}  // namespace
}  // namespace thorbecke::http
