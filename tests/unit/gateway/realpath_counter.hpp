// Counts the process's realpath calls while a test asks it to: std::filesystem::canonical
// is a realpath, one readlink per path component, and the binary that links
// realpath_counter.cpp interposes realpath to count them.
#pragma once

namespace phonebill::gateway::testing {

// Starts counting from zero (on every thread).
void start_counting_realpaths();
// Stops and returns the realpath calls since start_counting_realpaths().
long stop_counting_realpaths();

}  // namespace phonebill::gateway::testing
