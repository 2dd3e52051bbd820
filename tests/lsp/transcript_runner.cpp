// Runs the real `tacit` binary on a scripted JSON-RPC conversation and checks
// every reply, in the manner of clangd's test/*.test files.
//
//   tacit-transcript <path/to/tacit> <file.test>
//
// File format, one directive per line ('#' starts a comment line):
//   args: serve --max-message-bytes 1024   arguments (default: serve --log-level debug)
//   --> {json}          send one framed message
//   ==> text            send raw bytes, no framing; escapes \r \n \t \\ \xHH
//   <-- {json}          the next message must match: objects by the keys given
//                       (extra keys allowed), arrays and scalars exactly;
//                       "{{any}}" matches any value, "{{absent}}" a missing key
//   <== {json}          the next message must equal this exactly, except for
//                       "{{any}}" (objects may not have extra keys)
//   close-stdin         close the server's input
//   close-stdout        close our end of the server's output (the client vanishes)
//   exit-code: N        wait for the server to exit with status N (never a signal)
//   stderr: text        after exit: the server's log contains text
// A JSON value may continue on the following lines until the next directive.
// After exit every byte on stdout must have been a well-framed message, and
// every message must have been matched by a `<--`/`<==` line.
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/process.hpp>
#include <nlohmann/json.hpp>

#include "server/transport/frame_reader.h"

namespace bp = boost::process;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// A guard against hangs only: the server normally answers in milliseconds.
constexpr int kHangGuardMs = 60'000;

struct Directive {
  int line = 0;
  std::string kind;  // "-->", "==>", "<--", "<==", "close-stdin", ...
  std::string text;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  std::cerr << where << ": FAILED: " << what << "\n";
  std::exit(1);
}

std::string unescape(const std::string& s, const std::string& where) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    switch (c) {
      case 'r': out += '\r'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case '\\': out += '\\'; break;
      case 'x':
        if (i + 2 >= s.size()) fail(where, "bad \\x escape");
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
        break;
      default: fail(where, std::string("unknown escape \\") + c);
    }
  }
  return out;
}

std::vector<Directive> parse(const fs::path& file) {
  std::ifstream in(file);
  if (!in) fail(file.string(), "cannot read");
  std::vector<Directive> out;
  std::string line;
  int number = 0;
  static const std::vector<std::string> prefixes = {"-->", "==>", "<--", "<==", "args:", "exit-code:",
                                                    "stderr:", "close-stdin", "close-stdout"};
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    bool matched = false;
    for (const auto& p : prefixes) {
      if (line.rfind(p, 0) == 0) {
        std::string rest = line.substr(p.size());
        if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
        out.push_back({number, p, rest});
        matched = true;
        break;
      }
    }
    if (!matched) {
      // Continuation of a multi-line JSON value.
      if (out.empty() || (out.back().kind != "-->" && out.back().kind != "<--" && out.back().kind != "<=="))
        fail(file.string() + ":" + std::to_string(number), "unknown directive: " + line);
      out.back().text += "\n" + line;
    }
  }
  return out;
}

// Empty string when `actual` matches `expected`; otherwise where it differs.
// With `exact`, objects must have exactly the expected keys.
std::string difference(const json& expected, const json& actual, const std::string& path, bool exact) {
  if (expected.is_string() && expected == "{{any}}") return "";
  if (expected.is_object()) {
    if (!actual.is_object()) return path + ": expected an object, got " + actual.dump();
    for (auto& [key, value] : expected.items()) {
      std::string child = path + "." + key;
      if (value.is_string() && value == "{{absent}}") {
        if (actual.contains(key)) return child + ": expected absent, got " + actual[key].dump();
        continue;
      }
      if (!actual.contains(key)) return child + ": missing";
      if (auto m = difference(value, actual[key], child, exact); !m.empty()) return m;
    }
    if (exact) {
      for (auto& [key, value] : actual.items())
        if (!expected.contains(key)) return path + "." + key + ": unexpected, value " + value.dump();
    }
    return "";
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size())
      return path + ": expected " + expected.dump() + ", got " + actual.dump();
    for (size_t i = 0; i < expected.size(); ++i)
      if (auto m = difference(expected[i], actual[i], path + "[" + std::to_string(i) + "]", exact);
          !m.empty())
        return m;
    return "";
  }
  if (expected != actual || expected.type() != actual.type())
    return path + ": expected " + expected.dump() + ", got " + actual.dump();
  return "";
}

class Server {
 public:
  Server(const std::string& binary, const std::vector<std::string>& args, const fs::path& stderrPath)
      : child_(binary, bp::args(args), bp::std_in < in_, bp::std_out > out_,
               bp::std_err > stderrPath.string()) {}

  void write(const std::string& bytes, const std::string& where) {
    if (!in_.pipe().is_open()) fail(where, "stdin is already closed");
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(in_.pipe().native_sink(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      // The server may legitimately have exited (e.g. after `exit`).
      if (n < 0) return;
      done += static_cast<size_t>(n);
    }
  }

  // The next framed message, or nullopt at end of output.
  std::optional<std::string> next(const std::string& where) {
    for (;;) {
      if (auto e = reader_.next()) {
        if (e->kind != tacit::transport::FrameEvent::Kind::Message)
          fail(where, "the server wrote something that is not a framed message: " + e->text);
        return e->text;
      }
      if (eof_) return std::nullopt;
      pollfd p{out_.pipe().native_source(), POLLIN, 0};
      int ready = ::poll(&p, 1, kHangGuardMs);
      if (ready == 0) fail(where, "no output from the server (hang guard)");
      if (ready < 0 && errno == EINTR) continue;
      char buffer[65536];
      ssize_t n = ::read(out_.pipe().native_source(), buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        eof_ = true;
        if (auto rest = reader_.finish()) fail(where, "stdout ended inside a message: " + *rest);
        continue;
      }
      reader_.feed(std::string_view(buffer, static_cast<size_t>(n)));
    }
  }

  void closeStdin() { in_.pipe().close(); }
  void closeStdout() {
    out_.pipe().close();
    eof_ = true;
  }

  // Returns the raw wait status.
  int wait(const std::string& where) {
    // Boost 1.74's child::wait_for always sleeps its whole timeout, so wait
    // for the exit itself through a pidfd, then reap.
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, child_.id(), 0));
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      int ready;
      do ready = ::poll(&p, 1, kHangGuardMs);
      while (ready < 0 && errno == EINTR);
      ::close(pidfd);
      if (ready == 0) {
        child_.terminate();
        fail(where, "the server did not exit (hang guard)");
      }
    }
    child_.wait();
    return child_.native_exit_code();
  }

 private:
  bp::opstream in_;
  bp::ipstream out_;
  bp::child child_;
  tacit::transport::FrameReader reader_;
  bool eof_ = false;
};

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // the server may be gone when we write
  if (argc != 3) {
    std::cerr << "usage: tacit-transcript <tacit-binary> <file.test>\n";
    return 2;
  }
  std::string binary = argv[1];
  fs::path file = argv[2];
  auto directives = parse(file);

  std::vector<std::string> args = {"serve", "--log-level", "debug"};
  for (auto& d : directives) {
    if (d.kind != "args:") continue;
    std::istringstream words(d.text);
    args.clear();
    for (std::string w; words >> w;) args.push_back(w);
  }
  bool hasExit = false;
  for (auto& d : directives) hasExit |= d.kind == "exit-code:";
  if (!hasExit) fail(file.string(), "a transcript must end with an exit-code: directive");

  fs::path stderrPath = fs::temp_directory_path() /
                        ("tacit-transcript-" + std::to_string(::getpid()) + ".stderr");
  Server server(binary, args, stderrPath);
  std::optional<int> status;

  for (auto& d : directives) {
    std::string where = file.string() + ":" + std::to_string(d.line);
    if (d.kind == "args:") continue;
    if (d.kind == "-->") {
      json message;
      try {
        message = json::parse(d.text);
      } catch (const std::exception& e) {
        fail(where, std::string("bad JSON in transcript: ") + e.what());
      }
      server.write(tacit::transport::encodeFrame(message.dump()), where);
    } else if (d.kind == "==>") {
      server.write(unescape(d.text, where), where);
    } else if (d.kind == "<--" || d.kind == "<==") {
      json expected = json::parse(d.text);
      auto body = server.next(where);
      if (!body) fail(where, "expected " + expected.dump() + " but the server's output ended");
      json actual;
      try {
        actual = json::parse(*body);
      } catch (const std::exception& e) {
        fail(where, "the server sent invalid JSON: " + *body);
      }
      std::string diff = difference(expected, actual, "message", d.kind == "<==");
      if (!diff.empty()) fail(where, diff + "\n  actual message: " + actual.dump());
    } else if (d.kind == "close-stdin") {
      server.closeStdin();
    } else if (d.kind == "close-stdout") {
      server.closeStdout();
    } else if (d.kind == "exit-code:") {
      // Everything the server wrote must have been expected.
      if (auto extra = server.next(where)) fail(where, "unexpected message: " + *extra);
      int raw = server.wait(where);
      if (WIFSIGNALED(raw))
        fail(where, "the server died of signal " + std::to_string(WTERMSIG(raw)) + "\n" + readFile(stderrPath));
      status = WEXITSTATUS(raw);
      if (std::to_string(*status) != d.text)
        fail(where, "exit status " + std::to_string(*status) + ", expected " + d.text + "\n" +
                        readFile(stderrPath));
    } else if (d.kind == "stderr:") {
      if (!status) fail(where, "stderr: must follow exit-code:");
      std::string log = readFile(stderrPath);
      if (log.find(d.text) == std::string::npos)
        fail(where, "stderr does not contain \"" + d.text + "\"; it was:\n" + log);
    }
  }
  fs::remove(stderrPath);
  std::cout << file.filename().string() << ": passed\n";
  return 0;
}
