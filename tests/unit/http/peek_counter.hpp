// Counts the process's recv(MSG_PEEK) calls while a test asks it to: the HTTP client's
// look before reusing a pooled connection is one system call per request (issue 17), and
// the binary that links peek_counter.cpp interposes recv to count it.
#pragma once

namespace phonebill::http::testing {

// Starts counting from zero (on every thread).
void start_counting_peeks();
// Stops and returns the recv calls with MSG_PEEK since start_counting_peeks().
long stop_counting_peeks();
// The same for every recv call, peeks or not: a read buffer that stays small costs one
// system call per 512 bytes of an answer.
void start_counting_receives();
long stop_counting_receives();

}  // namespace phonebill::http::testing
