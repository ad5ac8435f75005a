// Asio's TLS implementation, compiled once (BOOST_ASIO_SEPARATE_COMPILATION): src/core/asio_impl.cpp compiles
// the rest of Asio and Beast but not asio::ssl, which the remote lookup uses for https. When core starts using
// TLS itself, this include moves to asio_impl.cpp and this file goes: two copies would not link.
#include <boost/asio/ssl/impl/src.hpp>
