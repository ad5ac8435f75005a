#pragma once
// Test helper: runs one coroutine to completion on an io_context (other work on it, such as a fake server the
// test started, runs along).
#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace thorbecke::testing {

template <class T>
T RunCoro(boost::asio::io_context& ctx, boost::asio::awaitable<T> awaitable) {
    std::optional<T> out;
    std::exception_ptr failure;
    boost::asio::co_spawn(ctx, std::move(awaitable), [&](std::exception_ptr e, T value) {
        failure = e;
        out = std::move(value);
        ctx.stop();
    });
    ctx.restart();
    ctx.run();
    if (failure) std::rethrow_exception(failure);
    return std::move(*out);
}

}  // namespace thorbecke::testing
