// Line numbers: parsing the accepted forms, refusing the rest, masking.
#include "core/line_number.hpp"

#include <gtest/gtest.h>

using phonebill::masked_line_number;
using phonebill::normalize_line_number;

// Canonical and dashed forms both normalise to 11 digits.
TEST(LineNumber, AcceptsCanonicalAndDashedForms) {
  EXPECT_EQ(normalize_line_number("01012345678"), "01012345678");
  EXPECT_EQ(normalize_line_number("010-1234-5678"), "01012345678");
}

// Anything else is rejected, not guessed at.
TEST(LineNumber, RejectsOtherShapes) {
  for (const char* bad : {"", "0101234567", "010123456789", "01112345678", "010-12345-678",
                          "010 1234 5678", "0101234567a", "010-1234-567x", "+821012345678"})
    EXPECT_FALSE(normalize_line_number(bad)) << bad;
}

// Logs only ever see the masked form.
TEST(LineNumber, MasksMiddleDigits) {
  EXPECT_EQ(masked_line_number("01012345678"), "010-****-5678");
  EXPECT_EQ(masked_line_number("010-1234-5678"), "010-****-5678");
  EXPECT_EQ(masked_line_number("garbage"), "***");
  EXPECT_EQ(phonebill::dashed_line_number("01012345678"), "010-1234-5678");
}
