// Environment: typed reads, defaults, ranges and the ConfigError messages.
#include "core/config.hpp"

#include <gtest/gtest.h>

using phonebill::ConfigError;
using phonebill::Environment;

// Missing values fall back; present ones are parsed strictly.
TEST(Config, ParsesTypedValues) {
  auto environment =
      Environment::from_map({{"PORT", "8084"}, {"ON", "true"}, {"RATE", "0.25"}, {"WAIT", "1500"}});
  EXPECT_EQ(environment.integer("PORT", 1), 8084);
  EXPECT_EQ(environment.integer("ABSENT", 7), 7);
  EXPECT_TRUE(environment.boolean("ON", false));
  EXPECT_DOUBLE_EQ(environment.real("RATE", 0, 0, 1), 0.25);
  EXPECT_EQ(environment.milliseconds("WAIT", {}).count(), 1500);
}

// A malformed or out-of-range setting stops start-up with a message naming it.
TEST(Config, RejectsMalformedValues) {
  auto environment = Environment::from_map({{"PORT", "80a"}, {"ON", "maybe"}, {"BIG", "70000"}});
  EXPECT_THROW(environment.integer("PORT", 1), ConfigError);
  EXPECT_THROW(environment.boolean("ON", false), ConfigError);
  EXPECT_THROW(environment.integer("BIG", 1, 0, 65535), ConfigError);
  EXPECT_THROW(environment.required_string("ABSENT"), ConfigError);
}
