#include "core/time.h"

#include <gtest/gtest.h>

namespace thorbecke {

TEST(TimeTest, Dates) {
    EXPECT_TRUE(ParseDate("2024-02-29"));
    EXPECT_FALSE(ParseDate("2023-02-29"));
    EXPECT_FALSE(ParseDate("2023-2-1"));
    EXPECT_FALSE(ParseDate("2023-13-01"));
    EXPECT_EQ(FormatDate(*ParseDate("2026-11-26")), "2026-11-26");
}

TEST(TimeTest, DateTimes) {
    EXPECT_TRUE(IsDateTime("2024-01-02T03:04:05Z"));
    EXPECT_TRUE(IsDateTime("2024-01-02T03:04:05.123456+01:00"));
    EXPECT_FALSE(IsDateTime("2024-01-02T03:04:05"));
    EXPECT_FALSE(IsDateTime("2024-01-02 25:04:05Z"));
}

TEST(TimeTest, Durations) {
    auto d = ParseDuration("P1Y2M3DT4H5M6.5S");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->years, 1);
    EXPECT_EQ(d->months, 2);
    EXPECT_EQ(d->days, 3);
    EXPECT_EQ(d->hours, 4);
    EXPECT_EQ(d->minutes, 5);
    EXPECT_DOUBLE_EQ(d->seconds, 6.5);
    EXPECT_TRUE(ParseDuration("P6W"));
    EXPECT_FALSE(ParseDuration("P"));
    EXPECT_FALSE(ParseDuration("PT"));
    EXPECT_FALSE(ParseDuration("6W"));
    EXPECT_FALSE(ParseDuration("P1.5Y"));
}

}  // namespace thorbecke

TEST(TimeTest, UtcInstants) {
    EXPECT_EQ(thorbecke::ToUtcInstant("2026-02-01T12:30:00+02:00"), "2026-02-01T10:30:00.000000Z");
    EXPECT_EQ(thorbecke::ToUtcInstant("2026-02-01T11:00:00.5Z"), "2026-02-01T11:00:00.500000Z");
    EXPECT_EQ(thorbecke::ToUtcInstant("2026-01-01T00:30:00+01:00"), "2025-12-31T23:30:00.000000Z");
    EXPECT_EQ(thorbecke::ToUtcInstant("2026-01-01T23:30:00-01:00"), "2026-01-02T00:30:00.000000Z");
    EXPECT_EQ(thorbecke::ToUtcInstant("2026-01-01"), std::nullopt);
    // Later instants compare greater as text.
    EXPECT_LT(*thorbecke::ToUtcInstant("2026-02-01T12:30:00+02:00"), *thorbecke::ToUtcInstant("2026-02-01T11:00:00Z"));
}
