#pragma once
// Blocking work (file writes with fsync, hashing large content) runs on a small shared thread pool, so a
// request that writes a large document does not stall the other connections of its event-loop thread.
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace thorbecke {

namespace asio = boost::asio;

//! The process-wide pool for blocking work (two threads: the disk, not the CPU, is what they wait for).
asio::thread_pool& BlockingPool();

//! Runs `fn()` on the blocking pool and resumes on the caller's executor with its result.
template <class F>
asio::awaitable<std::invoke_result_t<F&>> Blocking(F fn) {
    using R = std::invoke_result_t<F&>;
    auto caller = co_await asio::this_coro::executor;
    std::optional<R> result;
    std::exception_ptr error;
    co_await asio::post(BlockingPool(), asio::use_awaitable);
    try {
        result.emplace(fn());
    } catch (...) {
        error = std::current_exception();
    }
    co_await asio::post(caller, asio::use_awaitable);
    if (error) std::rethrow_exception(error);
    co_return std::move(*result);
}

}  // namespace thorbecke
