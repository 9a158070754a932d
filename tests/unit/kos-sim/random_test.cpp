// core/random.hpp as kos-sim uses it: scripted draws for tests, reproducible seeded
// draws, and the helpers built on uniform01.
#include "core/random.hpp"

#include <gtest/gtest.h>

using namespace phonebill;

// A fixed sequence is returned in order, then repeats; out-of-range values are clamped.
TEST(Random, FixedSequenceRepeatsAndClamps) {
  FixedSequenceRandom random{{0.25, -1.0, 1.0}};
  EXPECT_EQ(random.uniform01(), 0.25);
  EXPECT_EQ(random.uniform01(), 0.0);
  EXPECT_LT(random.uniform01(), 1.0);
  EXPECT_EQ(random.uniform01(), 0.25);
  EXPECT_EQ(random.draws(), 4u);
  FixedSequenceRandom empty{{}};
  EXPECT_EQ(empty.uniform01(), 0.0);
}

// The same seed gives the same draws, all inside [0, 1).
TEST(Random, SeededDrawsAreReproducibleAndInRange) {
  SeededRandom first{42}, second{42};
  for (int i = 0; i < 1000; ++i) {
    double draw = first.uniform01();
    EXPECT_EQ(draw, second.uniform01());
    EXPECT_GE(draw, 0.0);
    EXPECT_LT(draw, 1.0);
  }
}

// uniform_int covers both ends of its inclusive range; chance honours 0 and 1.
TEST(Random, HelpersRespectTheirBounds) {
  FixedSequenceRandom low{{0.0}}, high{{0.9999999}};
  EXPECT_EQ(low.uniform_int(3, 7), 3);
  EXPECT_EQ(high.uniform_int(3, 7), 7);
  EXPECT_EQ(low.uniform_int(5, 5), 5);
  EXPECT_EQ(high.uniform(10.0, 20.0) < 20.0, true);
  EXPECT_FALSE(low.chance(0.0));
  EXPECT_TRUE(high.chance(1.0));
  SystemRandom system;
  double draw = system.uniform01();
  EXPECT_GE(draw, 0.0);
  EXPECT_LT(draw, 1.0);
}
