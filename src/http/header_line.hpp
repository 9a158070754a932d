// Header fields rendered by hand as "\r\nName: value" lines, refusing what could smuggle a
// request or an answer: the one rule the client's forwarded fields and a response's
// rendered fields follow. Entry points: append_header_line, append_known_header_line,
// FieldName, has_line_break.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace phonebill::http {

// CR or LF anywhere in `text`. Two memchr passes: glibc's takes 32 bytes an instruction
// or two, which a portable one-pass loop (byte_scan.hpp: ~1 instruction a byte, ~9 a byte
// in its tail) does not beat on the short values most fields are (issue 17 item 2).
bool has_line_break(std::string_view text);

// A character a field name may hold (RFC 9110 §5.1's tchar).
constexpr bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

// Host, Content-Length or Transfer-Encoding in any case: framing is the writer's alone.
constexpr bool is_framing_name(std::string_view name) {
  auto same = [](std::string_view text, std::string_view lowercase) {
    if (text.size() != lowercase.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
      if (c != lowercase[i]) return false;
    }
    return true;
  };
  return same(name, "host") || same(name, "content-length") || same(name, "transfer-encoding");
}

// A field name known when the program is compiled, checked then (a name that is empty,
// holds anything but a token's characters or frames a message does not compile), with
// its line start "\r\nName: " rendered once.
class FieldName {
 public:
  static constexpr std::size_t kMaxSize = 32;

  consteval FieldName(const char* name) {
    std::string_view text{name};
    if (text.empty() || text.size() > kMaxSize || is_framing_name(text))
      throw "not a field name this writer may write";
    for (char c : text)
      if (!is_token_char(c)) throw "a field name holds only token characters (RFC 9110 §5.1)";
    line_start_[0] = '\r';
    line_start_[1] = '\n';
    for (std::size_t i = 0; i < text.size(); ++i) line_start_[2 + i] = text[i];
    line_start_[2 + text.size()] = ':';
    line_start_[3 + text.size()] = ' ';
    size_ = text.size() + 4;
  }

  constexpr std::string_view name() const { return {line_start_ + 2, size_ - 4}; }
  constexpr std::string_view line_start() const { return {line_start_, size_}; }

 private:
  char line_start_[kMaxSize + 4]{};
  std::size_t size_ = 0;
};

// Appends "\r\nname: value" to `lines` unless the field could smuggle a message (CR or
// LF, a name that is empty or holds a colon) or frame it (is_framing_name). false: the
// field was left out.
bool append_header_line(std::string& lines, std::string_view name, std::string_view value);

// The same for a name known when compiling: only the value is checked at run time.
bool append_known_header_line(std::string& lines, const FieldName& name, std::string_view value);

}  // namespace phonebill::http
