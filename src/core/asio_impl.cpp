// The one translation unit that compiles Asio and Beast (BOOST_*_SEPARATE_COMPILATION): keeps every other
// file's compile time down on a two-core machine. Includes asio::ssl, which the outgoing HTTP client uses.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
