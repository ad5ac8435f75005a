// The one translation unit that compiles Asio and Beast (BOOST_*_SEPARATE_COMPILATION): keeps every other
// file's compile time down on a two-core machine.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
