#include "server/store/sync.h"

#include <git2.h>

#include <istream>
#include <iterator>
#include <vector>

#include <boost/process.hpp>

#include "server/log/log.h"
#include "server/store/event_log.h"
#include "server/store/store.h"

namespace tacit::store {
namespace {

namespace bp = boost::process;

constexpr int kPushAttempts = 3;

struct GitResult {
  int status = 0;
  std::string stderrText;
};

GitResult runGit(const std::string& workdir, const std::vector<std::string>& args) {
  auto git = bp::search_path("git");
  if (git.empty()) throw StoreError("git is not on PATH; tacit sync runs git fetch and git push");
  std::vector<std::string> all = {"-C", workdir};
  all.insert(all.end(), args.begin(), args.end());
  bp::ipstream err;
  bp::child child(git, bp::args(all), bp::std_in < bp::null, bp::std_out > bp::null, bp::std_err > err);
  std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  child.wait();
  return {child.exit_code(), text};
}

// Why git failed, in one line: its "fatal:" and "error:" lines (the first
// is the reason; the last is often only "Could not read from remote
// repository.") joined with "; ", or every line when it printed neither.
// Control characters (a remote's own messages) become spaces.
std::string gitReason(const std::string& text) {
  std::vector<std::string> all, errors;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    for (char& c : line)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (line.empty()) continue;
    for (const char* prefix : {"fatal: ", "error: "})
      if (line.rfind(prefix, 0) == 0) errors.push_back(line.substr(std::string(prefix).size()));
    all.push_back(line);
  }
  const auto& lines = errors.empty() ? all : errors;
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "; ") + line;
  return out.empty() ? "git printed nothing" : out;
}

void checkRemote(Store& store, const std::string& remote) {
  git_remote* r = nullptr;
  if (git_remote_lookup(&r, store.repository(), remote.c_str()) != 0)
    throw StoreError("no such remote: " + remote + " (see git remote -v)");
  git_remote_free(r);
}

// Never writes FETCH_HEAD: it is the user's (a CI job's `git fetch origin
// main` then `tacit report --changed-since FETCH_HEAD`). Without `maintenance`: no
// automatic maintenance either (a report writes only the fetched refs and
// their objects).
void fetch(Store& store, const std::string& remote, bool maintenance = true) {
  std::string refspec = "+" + std::string(kReplicaRefPrefix) + "*:" + std::string(kRemoteRefPrefix) + remote + "/*";
  std::vector<std::string> args = {"fetch", "--quiet", "--no-tags", "--no-write-fetch-head"};
  if (!maintenance) args.push_back("--no-auto-maintenance");
  args.insert(args.end(), {remote, refspec});
  auto result = runGit(store.workdir(), args);
  if (result.status != 0) throw StoreError("git fetch " + remote + " failed: " + gitReason(result.stderrText));
}

// A copy of this clone (cp -r) shares its replica id, so both write the same
// ref and one's push is rejected. Merge the remote's copy into ours: the logs
// are sets of uniquely named events, so the union loses nothing.
void absorbRemoteCopies(Store& store, const std::string& remote) {
  EventLog& log = store.log("shared");
  auto refs = log.refs();
  const std::string remotePrefix = std::string(kRemoteRefPrefix) + remote + "/";
  for (const auto& mine : refs) {
    if (mine.name.rfind(kReplicaRefPrefix, 0) != 0) continue;
    std::string replica = mine.name.substr(kReplicaRefPrefix.size());
    for (const auto& theirs : refs) {
      if (theirs.name != remotePrefix + replica || log.isAncestor(theirs.commit, mine.commit)) continue;
      TACIT_LOG(Info) << remote << " has another copy of replica " << replica << "'s log; merging it";
      log.absorb(replica, theirs.commit, store.identity());
    }
  }
}

}  // namespace

void fetchKnowledge(Store& store, const std::string& remote) {
  checkRemote(store, remote);
  fetch(store, remote, /*maintenance=*/false);
}

SyncReport sync(Store& store, const std::string& remote) {
  checkRemote(store, remote);
  SyncReport report;
  fetch(store, remote);
  report.fetchedEvents += store.refresh().events;

  size_t local = 0;
  for (const auto& ref : store.log("shared").refs())
    if (ref.name.rfind(kReplicaRefPrefix, 0) == 0) ++local;
  report.pushedRefs = local;
  if (local == 0) return report;  // nothing of ours to share yet

  // Never forced: a replica ref only grows, so a rejection means another
  // clone shares our replica id or the remote moved; fetch and try again.
  std::string refspec = std::string(kReplicaRefPrefix) + "*:" + std::string(kReplicaRefPrefix) + "*";
  for (int attempt = 1;; ++attempt) {
    report.attempts = attempt;
    auto result = runGit(store.workdir(), {"push", "--quiet", remote, refspec});
    if (result.status == 0) break;
    if (attempt == kPushAttempts)
      throw StoreError("git push " + remote + " was rejected " + std::to_string(attempt) +
                       " times: " + gitReason(result.stderrText));
    TACIT_LOG(Warn) << "git push " << remote << " was rejected (" << gitReason(result.stderrText)
                    << "); fetching and retrying";
    fetch(store, remote);
    absorbRemoteCopies(store, remote);
    report.fetchedEvents += store.refresh().events;
  }
  return report;
}

}  // namespace tacit::store
