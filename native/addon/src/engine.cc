// Engine: the session BPF object (native/bpf/session.bpf.c) loaded with its ring sizes, its
// programs attached, and a poller thread that hands the records of its ring buffers to JS.
//
// The poller (DESIGN.md §3, §5):
// - waits on an epoll set holding the ring_buffer's epoll fd and an eventfd (drain and stop
//   requests), at most kPollTimeoutMs (the BPF side only wakes it once a ring is an eighth
//   full: a wakeup per record would cost the producers more than everything else);
// - consumes every ring completely at each wakeup (ring_buffer__consume), so the kernel side
//   never waits for us, and appends the records, as they are, to a batch (each record starts with
//   struct record_header whose `size` is its length);
// - hands a batch to JS when it reaches kFlushBytes, when its first record is kFlushDelayMs old,
//   or when a drain asks for it, through a thread-safe function;
// - never blocks on JS: when maxQueuedBatches (1024) batches already wait for the JS thread, a
//   new batch is dropped and its records are counted in userLost()[kind]. Nothing is dropped
//   without being counted.
// drain(done) queues `done` behind the batches holding everything that was in the rings when
// drain was called; thread-safe function calls are delivered in order.
//
// Lifetimes: the poller state (Poller) is shared by the Engine and the thread-safe function. At
// environment teardown Node finalizes thread-safe functions before wrapped objects, so the
// function's finalizer also stops the thread; close() and the Engine's finalizer do the rest.

#include <napi.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <signal.h>
#include <pthread.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <system_error>
#include <unordered_map>
#include <thread>
#include <utility>
#include <vector>

#include "../../bpf/common.h"
#include "engine.h"
#include "libbpf_util.h"

namespace teleport {

namespace {

constexpr size_t kDefaultMaxQueuedBatches = 1024;
constexpr size_t kFlushBytes = 256 * 1024;
constexpr int kFlushDelayMs = 5;
// Nice value of the poller thread (-20 highest, 0 normal).
constexpr int kPollerNice = -10;
constexpr int kPollTimeoutMs = 100;
constexpr size_t kBatchReserve = 16 * 1024;
constexpr uint32_t kRingsTag = 0;
constexpr uint32_t kWakeTag = 1;
// The map the BPF side assembles variable-length records in: one entry per possible CPU.
constexpr const char* kScratchMap = "scratch";
// session key -> struct session_lost.
constexpr const char* kSessionLostMap = "session_lost";

using Clock = std::chrono::steady_clock;

// What the poller hands to the JS thread: a batch of records, or a drain's `done` callback.
struct Delivery {
  enum class Kind { kBatch, kDone };
  explicit Delivery(Kind k) : kind(k) {}
  Kind kind;
  std::vector<uint8_t> bytes;    // kBatch: records, concatenated
  Napi::FunctionReference done;  // kDone: created and destroyed on the JS thread
};

// Frees a kDone delivery off the JS thread or after the environment is gone: its reference can
// no longer be deleted, only forgotten.
void Forget(Delivery* d) {
  if (d->kind == Delivery::Kind::kDone) d->done.SuppressDestruct();
  delete d;
}

class Poller {
 public:
  Poller() {
    for (auto& n : user_lost) n.store(0, std::memory_order_relaxed);
  }

  ~Poller() { Stop(); }

  // JS thread. Sets up the rings and the epoll set, then starts the thread. -errno on failure
  // (nothing to undo but what Stop() undoes); `what` names the failed step.
  int Start(bpf_object* obj, std::string* what) {
    bpf_map* map = nullptr;
    bpf_object__for_each_map(map, obj) {
      if (bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF) continue;
      int fd = bpf_map__fd(map);
      if (rb == nullptr) {
        rb = ring_buffer__new(fd, OnSample, this, nullptr);
        if (rb == nullptr) {
          *what = std::string("failed to set up ring buffer '") + bpf_map__name(map) + "'";
          return -errno;
        }
      } else {
        int err = ring_buffer__add(rb, fd, OnSample, this);
        if (err != 0) {
          *what = std::string("failed to set up ring buffer '") + bpf_map__name(map) + "'";
          return err;
        }
      }
    }
    if (rb == nullptr) {
      *what = "the object has no ring buffer map";
      return -ENOENT;
    }
    wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (wake_fd < 0 || epoll_fd < 0) {
      *what = "failed to create the poller's eventfd/epoll";
      return -errno;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = kRingsTag;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(rb), &ev) != 0) {
      *what = "failed to watch the ring buffers";
      return -errno;
    }
    ev.data.u32 = kWakeTag;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev) != 0) {
      *what = "failed to watch the poller's eventfd";
      return -errno;
    }
    batch = NewBatch();
    try {
      thread = std::thread(&Poller::Run, this);
    } catch (const std::system_error& e) {
      *what = "failed to start the poller thread";
      return -e.code().value();
    }
    return 0;
  }

  // JS thread (or the thread-safe function's finalizer). Stops and joins the thread and frees
  // the rings; idempotent. Records consumed but not handed over count as lost.
  void Stop() {
    if (thread.joinable()) {
      stop.store(true, std::memory_order_release);
      Wake();
      thread.join();
    }
    if (batch != nullptr) {
      AddLost(*batch);
      batch.reset();
    }
    if (rb != nullptr) {
      ring_buffer__free(rb);
      rb = nullptr;
    }
    if (epoll_fd >= 0) close(epoll_fd);
    if (wake_fd >= 0) close(wake_fd);
    epoll_fd = wake_fd = -1;
  }

  void Wake() {
    if (wake_fd < 0) return;
    uint64_t one = 1;
    // Only fails when the counter would overflow, i.e. a wakeup is already pending.
    ssize_t ignored = write(wake_fd, &one, sizeof one);
    (void)ignored;
  }

  void RequestDrain(Delivery* done) {
    {
      std::lock_guard<std::mutex> lock(drain_mutex);
      drain_requests.push_back(done);
    }
    Wake();
  }

  std::vector<Delivery*> TakeDrainRequests() {
    std::vector<Delivery*> out;
    std::lock_guard<std::mutex> lock(drain_mutex);
    out.swap(drain_requests);
    return out;
  }

  // Any thread. false when the thread-safe function is closing (the delivery is then freed).
  bool Queue(Delivery* d) {
    if (napi_call_threadsafe_function(tsfn, d, napi_tsfn_nonblocking) == napi_ok) return true;
    Forget(d);
    return false;
  }

  // Any thread: one record dropped in user space, for everyone and for its session.
  void AddLost(uint32_t kind, uint64_t session_key) {
    size_t index = kind < RECORD_KIND_COUNT ? kind : 0;
    user_lost[index].fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(lost_mutex);
    session_user_lost[session_key][index]++;
  }

  // Any thread: every record of a batch that will not reach JS. (Rare: no hurry.)
  void AddLost(const Delivery& batch) {
    const std::vector<uint8_t>& bytes = batch.bytes;
    for (size_t off = 0; off + sizeof(record_header) <= bytes.size();) {
      record_header h;
      memcpy(&h, bytes.data() + off, sizeof h);
      AddLost(h.kind, h.session_key);
      off += h.size;  // checked by OnSample: >= sizeof h and within the batch
    }
  }

  std::array<uint64_t, RECORD_KIND_COUNT> SessionUserLost(uint64_t session_key) {
    std::lock_guard<std::mutex> lock(lost_mutex);
    auto it = session_user_lost.find(session_key);
    return it == session_user_lost.end() ? std::array<uint64_t, RECORD_KIND_COUNT>{} : it->second;
  }

  void ForgetSession(uint64_t session_key) {
    std::lock_guard<std::mutex> lock(lost_mutex);
    session_user_lost.erase(session_key);
  }

  // The thread-safe function's JS-thread callback. env is null when the environment is being
  // torn down: the delivery can then only be freed.
  static void CallJs(napi_env env, napi_value js_callback, void* context, void* data) {
    std::unique_ptr<Delivery> d(static_cast<Delivery*>(data));
    if (env == nullptr) {
      // Node empties the queue this way after our finalizer ran: `context` may be gone already.
      if (d->kind == Delivery::Kind::kDone) d->done.SuppressDestruct();
      return;
    }
    Poller* self = static_cast<Poller*>(context);
    if (d->kind == Delivery::Kind::kBatch) self->queued_batches.fetch_sub(1, std::memory_order_relaxed);
    Napi::Env e(env);
    try {
      if (d->kind == Delivery::Kind::kBatch) {
        if (self->closed) {  // close() discards what JS has not received yet, counted
          self->AddLost(*d);
          return;
        }
        // A copy: V8 then accounts for the memory, and the batch is freed right away.
        Napi::Buffer<uint8_t> buffer = Napi::Buffer<uint8_t>::Copy(e, d->bytes.data(), d->bytes.size());
        d.reset();
        Napi::Function(e, js_callback).Call({buffer});
      } else {
        if (self->pending_drains > 0 && --self->pending_drains == 0) {
          napi_unref_threadsafe_function(env, self->tsfn);
        }
        Napi::Function done = d->done.Value();
        d.reset();
        done.Call({});
      }
    } catch (const Napi::Error& error) {
      // A throwing callback becomes an 'uncaughtException', like any other JS callback's. (Left
      // pending, Node 20 would only print a deprecation warning and drop it.)
      napi_fatal_exception(env, error.Value());
    }
  }

  // Finalizer of the thread-safe function (JS thread): after its last call, or at environment
  // teardown, possibly before the Engine's own finalizer.
  static void Finalize(napi_env, void* finalize_data, void*) {
    auto* owner = static_cast<std::shared_ptr<Poller>*>(finalize_data);
    Poller& self = **owner;
    self.Stop();
    for (Delivery* d : self.TakeDrainRequests()) Forget(d);
    self.tsfn_alive = false;
    delete owner;
  }

  // --- set before Start ---
  size_t max_queued_batches = kDefaultMaxQueuedBatches;

  // --- JS-thread state ---
  napi_threadsafe_function tsfn = nullptr;
  bool tsfn_alive = false;      // created and not yet finalized
  bool released = false;        // released by close()
  size_t pending_drains = 0;    // the thread-safe function is ref'd while > 0
  std::atomic<bool> closed{false};

  // --- shared ---
  std::atomic<uint64_t> user_lost[RECORD_KIND_COUNT];
  std::atomic<size_t> queued_batches{0};
  std::mutex lost_mutex;
  std::unordered_map<uint64_t, std::array<uint64_t, RECORD_KIND_COUNT>> session_user_lost;

 private:
  static std::unique_ptr<Delivery> NewBatch() {
    auto b = std::make_unique<Delivery>(Delivery::Kind::kBatch);
    b->bytes.reserve(kBatchReserve);
    return b;
  }

  // Poller thread: one record, copied into the batch.
  static int OnSample(void* ctx, void* data, size_t size) {
    Poller* self = static_cast<Poller*>(ctx);
    if (self->stop.load(std::memory_order_relaxed)) return -ECANCELED;
    Delivery& b = *self->batch;
    record_header h{};
    if (size >= sizeof h) memcpy(&h, data, sizeof h);
    // JS walks a batch by header.size: a record that disagrees with its length would derail it.
    if (size < sizeof h || h.size != size) {
      self->AddLost(h.kind, h.session_key);
      return 0;
    }
    if (b.bytes.empty()) self->batch_started = Clock::now();
    const uint8_t* p = static_cast<const uint8_t*>(data);
    b.bytes.insert(b.bytes.end(), p, p + size);
    if (b.bytes.size() >= kFlushBytes) self->Flush();
    return 0;
  }

  // Poller thread: hands the batch to JS, or drops and counts it when JS is too far behind.
  void Flush() {
    if (batch->bytes.empty()) return;
    std::unique_ptr<Delivery> full = std::move(batch);
    batch = NewBatch();
    // Only this thread increments, so the bound holds.
    if (queued_batches.load(std::memory_order_relaxed) >= max_queued_batches) {
      AddLost(*full);
      return;
    }
    queued_batches.fetch_add(1, std::memory_order_relaxed);
    Delivery* d = full.release();
    if (napi_call_threadsafe_function(tsfn, d, napi_tsfn_nonblocking) != napi_ok) {
      queued_batches.fetch_sub(1, std::memory_order_relaxed);
      AddLost(*d);
      delete d;
    }
  }

  int TimeoutMs() const {
    if (batch->bytes.empty()) return kPollTimeoutMs;
    auto due = batch_started + std::chrono::milliseconds(kFlushDelayMs);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(left) + 1;
  }

  void Run() {
    // The rings hold only what the poller has not taken yet: when the machine is busy, a poller
    // that waits its turn behind the very processes it records loses their events. A higher
    // priority than normal processes lets it run as soon as it is woken. Best effort: without
    // the privilege it keeps the default.
    int ignored_priority = setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kPollerNice);
    (void)ignored_priority;
    epoll_event events[2];
    while (!stop.load(std::memory_order_acquire)) {
      int n = epoll_wait(epoll_fd, events, 2, TimeoutMs());
      if (n < 0 && errno != EINTR) {
        // Cannot happen with our own valid fds; do not spin if it does.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      for (int i = 0; i < n; i++) {
        if (events[i].data.u32 == kWakeTag) {
          uint64_t value;
          ssize_t ignored = read(wake_fd, &value, sizeof value);
          (void)ignored;
        }
      }
      if (stop.load(std::memory_order_acquire)) break;
      // Taken before consuming: everything in the rings when drain() was called is consumed now.
      std::vector<Delivery*> dones = TakeDrainRequests();
      ring_buffer__consume(rb);
      if (!dones.empty() || batch->bytes.size() >= kFlushBytes ||
          (!batch->bytes.empty() && Clock::now() >= batch_started + std::chrono::milliseconds(kFlushDelayMs))) {
        Flush();
      }
      for (Delivery* d : dones) Queue(d);
    }
  }

  ring_buffer* rb = nullptr;
  int wake_fd = -1;
  int epoll_fd = -1;
  std::thread thread;
  std::atomic<bool> stop{false};
  std::mutex drain_mutex;
  std::vector<Delivery*> drain_requests;
  std::unique_ptr<Delivery> batch;  // poller thread only while it runs
  Clock::time_point batch_started;
};

// "tracepoint/CATEGORY/NAME" or "tp/CATEGORY/NAME" -> "CATEGORY/NAME", else "".
std::string TracepointOf(const std::string& section) {
  if (StartsWith(section, "tracepoint/")) return section.substr(strlen("tracepoint/"));
  if (StartsWith(section, "tp/")) return section.substr(strlen("tp/"));
  return "";
}

enum class Presence { kPresent, kMissing, kUnknown };

// Whether this kernel has the tracepoint, from tracefs; unknown when tracefs is not mounted
// (attaching will then fail with a hint to mount it).
Presence TracepointPresence(const std::string& tracepoint) {
  for (const char* root : {"/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events"}) {
    if (access(root, F_OK) != 0) continue;
    return access((std::string(root) + "/" + tracepoint).c_str(), F_OK) == 0 ? Presence::kPresent
                                                                            : Presence::kMissing;
  }
  return Presence::kUnknown;
}

class Engine : public Napi::ObjectWrap<Engine> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Engine",
                       {
                           InstanceMethod<&Engine::Attach>("attach"),
                           InstanceMethod<&Engine::Start>("start"),
                           InstanceMethod<&Engine::UpdateElem>("updateElem"),
                           InstanceMethod<&Engine::DeleteElem>("deleteElem"),
                           InstanceMethod<&Engine::LookupElem>("lookupElem"),
                           InstanceMethod<&Engine::Keys>("keys"),
                           InstanceMethod<&Engine::ReadArrayU64>("readArrayU64"),
                           InstanceMethod<&Engine::UserLost>("userLost"),
                           InstanceMethod<&Engine::SessionLost>("sessionLost"),
                           InstanceMethod<&Engine::ForgetSession>("forgetSession"),
                           InstanceMethod<&Engine::RingUsage>("ringUsage"),
                           InstanceMethod<&Engine::Drain>("drain"),
                           InstanceMethod<&Engine::Close>("close"),
                           InstanceAccessor<&Engine::GetPath>("path"),
                           InstanceAccessor<&Engine::GetClosed>("closed"),
                           InstanceAccessor<&Engine::GetSkippedPrograms>("skippedPrograms"),
                       });
  }

  // new Engine(objectPath, { ringBytes }, onRecords): opens the object, sizes its rings and its
  // scratch map, leaves out the programs of tracepoints this kernel lacks, and loads it.
  explicit Engine(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Engine>(info) {
    Napi::Env env = info.Env();
    const char* usage =
        "new Engine(objectPath: string, options: { ringBytes: Record<string, number>; maxQueuedBatches?: number }, "
        "onRecords: (batch: Buffer) => void)";
    if (info.Length() < 3 || !info[0].IsString() || !info[1].IsObject() || !info[2].IsFunction()) {
      throw Napi::TypeError::New(env, usage);
    }
    path_ = info[0].As<Napi::String>().Utf8Value();
    if (path_.empty()) throw Napi::TypeError::New(env, "Engine: objectPath must not be empty");
    std::vector<std::pair<std::string, uint32_t>> ring_bytes = ParseRingBytes(env, info[1].As<Napi::Object>());
    Napi::Value max_queued = info[1].As<Napi::Object>().Get("maxQueuedBatches");
    if (!max_queued.IsUndefined()) {
      double n = max_queued.IsNumber() ? max_queued.As<Napi::Number>().DoubleValue() : -1;
      if (!(n >= 1 && n <= 1e6 && std::floor(n) == n)) {
        throw Napi::RangeError::New(env, "Engine: options.maxQueuedBatches must be an integer from 1 to 1000000");
      }
      max_queued_batches_ = static_cast<size_t>(n);
    }
    on_records_ = Napi::Persistent(info[2].As<Napi::Function>());

    ResetLog();
    bpf_object* obj = bpf_object__open_file(path_.c_str(), nullptr);
    if (obj == nullptr) {
      int err = errno;
      throw LibbpfError(env, "failed to open BPF object " + path_, err);
    }
    try {
      Configure(env, obj, ring_bytes);
      int err = LoadWithSignalsHeld(obj);
      if (err != 0) throw LibbpfError(env, "failed to load BPF object " + path_, err, LoadHint(err));
    } catch (...) {
      // The error holds the log already: closing may log too and would bury the verifier's lines.
      bpf_object__close(obj);
      throw;
    }
    obj_ = obj;
  }

  ~Engine() override { Release(); }

 private:
  // The verifier gives up with EAGAIN when a signal is pending for the loading thread, and our
  // programs take it long enough that a profiler's SIGPROF or a child's SIGCHLD always lands
  // (libbpf's five retries included). Held signals are delivered once the load is done.
  static int LoadWithSignalsHeld(bpf_object* obj) {
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    int err = bpf_object__load(obj);
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return err;
  }

  static std::vector<std::pair<std::string, uint32_t>> ParseRingBytes(Napi::Env env, Napi::Object options) {
    std::vector<std::pair<std::string, uint32_t>> out;
    Napi::Value value = options.Get("ringBytes");
    if (value.IsUndefined()) return out;
    if (!value.IsObject()) throw Napi::TypeError::New(env, "Engine: options.ringBytes must be an object");
    Napi::Object ring_bytes = value.As<Napi::Object>();
    Napi::Array names = ring_bytes.GetPropertyNames();
    long page = sysconf(_SC_PAGESIZE);
    for (uint32_t i = 0; i < names.Length(); i++) {
      std::string name = names.Get(i).ToString().Utf8Value();
      Napi::Value bytes_value = ring_bytes.Get(name);
      double bytes = bytes_value.IsNumber() ? bytes_value.As<Napi::Number>().DoubleValue() : -1;
      bool power_of_two = bytes >= 1 && bytes <= 0x80000000u && std::floor(bytes) == bytes &&
                          (static_cast<uint64_t>(bytes) & (static_cast<uint64_t>(bytes) - 1)) == 0;
      if (!power_of_two || static_cast<uint64_t>(bytes) % static_cast<uint64_t>(page) != 0) {
        throw Napi::RangeError::New(env, "Engine: ringBytes['" + name + "'] must be a power of two multiple of the page size (" +
                                             std::to_string(page) + " bytes), got " +
                                             bytes_value.ToString().Utf8Value());
      }
      out.emplace_back(name, static_cast<uint32_t>(bytes));
    }
    return out;
  }

  // Before load: ring sizes, the scratch map's size, and which programs load at all.
  void Configure(Napi::Env env, bpf_object* obj, const std::vector<std::pair<std::string, uint32_t>>& ring_bytes) {
    for (const auto& [name, bytes] : ring_bytes) {
      bpf_map* map = FindMap(env, obj, path_, name);
      if (bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF) {
        throw Napi::Error::New(env, "map '" + name + "' of " + path_ + " is not a ring buffer");
      }
      int err = bpf_map__set_max_entries(map, bytes);
      if (err != 0) throw LibbpfError(env, "failed to size ring buffer '" + name + "' of " + path_, err);
    }
    bpf_map* scratch = bpf_object__find_map_by_name(obj, kScratchMap);
    if (scratch != nullptr) {
      int cpus = libbpf_num_possible_cpus();
      if (cpus <= 0) throw LibbpfError(env, "failed to count the possible CPUs", cpus);
      int err = bpf_map__set_max_entries(scratch, static_cast<uint32_t>(cpus));
      if (err != 0) throw LibbpfError(env, std::string("failed to size map '") + kScratchMap + "' of " + path_, err);
    }
    // Syscall tracepoints differ between architectures (arm64 has no open or creat): a program
    // whose tracepoint this kernel lacks is not loaded, and is listed in skippedPrograms.
    bpf_program* prog = nullptr;
    bpf_object__for_each_program(prog, obj) {
      std::string tracepoint = TracepointOf(bpf_program__section_name(prog));
      if (tracepoint.empty() || TracepointPresence(tracepoint) != Presence::kMissing) continue;
      int err = bpf_program__set_autoload(prog, false);
      if (err != 0) {
        throw LibbpfError(env, std::string("failed to leave out BPF program '") + bpf_program__name(prog) + "'", err);
      }
      skipped_.push_back(bpf_program__name(prog));
    }
  }

  // attach(): every loaded program where its SEC() says; all or nothing.
  Napi::Value Attach(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    if (attached_) throw Napi::Error::New(env, "programs of BPF object " + path_ + " are already attached");
    ResetLog();
    bpf_program* prog = nullptr;
    bpf_object__for_each_program(prog, obj_) {
      if (!bpf_program__autoload(prog)) continue;
      bpf_link* link = bpf_program__attach(prog);
      if (link == nullptr) {
        int err = errno;
        DestroyLinks();
        std::string section = bpf_program__section_name(prog);
        throw LibbpfError(env,
                          "failed to attach BPF program '" + std::string(bpf_program__name(prog)) + "' (SEC \"" +
                              section + "\") of " + path_,
                          err, AttachHint(section, err));
      }
      links_.push_back(link);
    }
    attached_ = true;
    return env.Undefined();
  }

  // start(): the poller thread. The thread-safe function does not keep the event loop alive,
  // except while a drain is pending.
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    if (poller_ != nullptr) throw Napi::Error::New(env, "the poller of " + path_ + " is already started");
    auto poller = std::make_shared<Poller>();
    poller->max_queued_batches = max_queued_batches_;
    auto* owner = new std::shared_ptr<Poller>(poller);
    napi_value name = Napi::String::New(env, "teleport-bpf-records");
    napi_status status = napi_create_threadsafe_function(env, on_records_.Value(), nullptr, name, 0, 1, owner,
                                                         Poller::Finalize, poller.get(), Poller::CallJs, &poller->tsfn);
    if (status != napi_ok) {
      delete owner;
      throw Napi::Error::New(env, "failed to create the thread-safe function of " + path_);
    }
    poller->tsfn_alive = true;
    napi_unref_threadsafe_function(env, poller->tsfn);
    ResetLog();
    std::string what;
    int err = poller->Start(obj_, &what);
    if (err != 0) {
      Napi::Error error = LibbpfError(env, what + " of " + path_, err);
      poller->Stop();
      poller->released = true;
      napi_release_threadsafe_function(poller->tsfn, napi_tsfn_release);
      throw error;
    }
    poller_ = std::move(poller);
    return env.Undefined();
  }

  bpf_map* MapArg(Napi::Env env, const Napi::Value& value, const char* usage) {
    if (!value.IsString()) throw Napi::TypeError::New(env, usage);
    return FindMap(env, obj_, path_, value.As<Napi::String>().Utf8Value());
  }

  std::string MapName(bpf_map* map) { return std::string("'") + bpf_map__name(map) + "'"; }

  void CheckKey(Napi::Env env, bpf_map* map, const Napi::Value& key, const char* usage) {
    if (!key.IsBuffer()) throw Napi::TypeError::New(env, usage);
    size_t size = key.As<Napi::Buffer<uint8_t>>().Length();
    if (size != bpf_map__key_size(map)) {
      throw Napi::RangeError::New(env, "map " + MapName(map) + " of " + path_ + " has " +
                                           std::to_string(bpf_map__key_size(map)) + "-byte keys, got " +
                                           std::to_string(size) + " bytes");
    }
  }

  // Bytes of a value as user space reads and writes it (per-CPU maps hold one per CPU).
  static size_t ValueBytes(bpf_map* map) {
    size_t size = bpf_map__value_size(map);
    switch (bpf_map__type(map)) {
      case BPF_MAP_TYPE_PERCPU_ARRAY:
      case BPF_MAP_TYPE_PERCPU_HASH:
      case BPF_MAP_TYPE_LRU_PERCPU_HASH:
      case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
        return ((size + 7) / 8) * 8 * static_cast<size_t>(libbpf_num_possible_cpus());
      default:
        return size;
    }
  }

  // updateElem(map, key, value): BPF_ANY.
  Napi::Value UpdateElem(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const char* usage = "updateElem(map: string, key: Buffer, value: Buffer)";
    RequireOpen(env);
    bpf_map* map = MapArg(env, info[0], usage);
    CheckKey(env, map, info[1], usage);
    if (!info[2].IsBuffer()) throw Napi::TypeError::New(env, usage);
    auto key = info[1].As<Napi::Buffer<uint8_t>>();
    auto value = info[2].As<Napi::Buffer<uint8_t>>();
    if (value.Length() != ValueBytes(map)) {
      throw Napi::RangeError::New(env, "map " + MapName(map) + " of " + path_ + " has " +
                                           std::to_string(ValueBytes(map)) + "-byte values, got " +
                                           std::to_string(value.Length()) + " bytes");
    }
    ResetLog();
    int err = bpf_map__update_elem(map, key.Data(), key.Length(), value.Data(), value.Length(), BPF_ANY);
    if (err != 0) throw LibbpfError(env, "failed to update map " + MapName(map) + " of " + path_, err);
    return env.Undefined();
  }

  // deleteElem(map, key): false when the key was absent.
  Napi::Value DeleteElem(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const char* usage = "deleteElem(map: string, key: Buffer)";
    RequireOpen(env);
    bpf_map* map = MapArg(env, info[0], usage);
    CheckKey(env, map, info[1], usage);
    auto key = info[1].As<Napi::Buffer<uint8_t>>();
    ResetLog();
    int err = bpf_map__delete_elem(map, key.Data(), key.Length(), 0);
    if (err == -ENOENT) return Napi::Boolean::New(env, false);
    if (err != 0) throw LibbpfError(env, "failed to delete from map " + MapName(map) + " of " + path_, err);
    return Napi::Boolean::New(env, true);
  }

  // lookupElem(map, key): the value, or null when the key is absent.
  Napi::Value LookupElem(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const char* usage = "lookupElem(map: string, key: Buffer)";
    RequireOpen(env);
    bpf_map* map = MapArg(env, info[0], usage);
    CheckKey(env, map, info[1], usage);
    auto key = info[1].As<Napi::Buffer<uint8_t>>();
    std::vector<uint8_t> value(ValueBytes(map));
    ResetLog();
    int err = bpf_map__lookup_elem(map, key.Data(), key.Length(), value.data(), value.size(), 0);
    if (err == -ENOENT) return env.Null();
    if (err != 0) throw LibbpfError(env, "failed to look up map " + MapName(map) + " of " + path_, err);
    return Napi::Buffer<uint8_t>::Copy(env, value.data(), value.size());
  }

  // keys(map): every key, by bpf_map_get_next_key. A hash map changed meanwhile may restart
  // the walk; duplicates are dropped and the walk is bounded.
  Napi::Value Keys(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    bpf_map* map = MapArg(env, info[0], "keys(map: string)");
    size_t key_size = bpf_map__key_size(map);
    std::vector<uint8_t> key(key_size), next(key_size);
    std::set<std::vector<uint8_t>> seen;
    std::vector<std::vector<uint8_t>> keys;
    size_t limit = 2 * static_cast<size_t>(bpf_map__max_entries(map)) + 16;
    ResetLog();
    int err = bpf_map__get_next_key(map, nullptr, next.data(), key_size);
    for (size_t steps = 0; err == 0 && steps < limit; steps++) {
      if (seen.insert(next).second) keys.push_back(next);
      key.swap(next);
      err = bpf_map__get_next_key(map, key.data(), next.data(), key_size);
    }
    if (err != 0 && err != -ENOENT) {
      throw LibbpfError(env, "failed to list the keys of map " + MapName(map) + " of " + path_, err);
    }
    Napi::Array out = Napi::Array::New(env, keys.size());
    for (size_t i = 0; i < keys.size(); i++) {
      out.Set(static_cast<uint32_t>(i), Napi::Buffer<uint8_t>::Copy(env, keys[i].data(), keys[i].size()));
    }
    return out;
  }

  Napi::Value ReadArrayU64(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    return teleport::ReadArrayU64(env, obj_, path_, info[0], info[1]);
  }

  // userLost(): records dropped in user space (JS too far behind), per kind. Readable after close.
  Napi::Value UserLost(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env, RECORD_KIND_COUNT);
    for (uint32_t i = 0; i < RECORD_KIND_COUNT; i++) {
      uint64_t n = poller_ != nullptr ? poller_->user_lost[i].load(std::memory_order_relaxed) : 0;
      out.Set(i, Napi::BigInt::New(env, n));
    }
    return out;
  }

  static uint64_t SessionKeyArg(Napi::Env env, const Napi::Value& value, const char* usage) {
    if (!value.IsBigInt()) throw Napi::TypeError::New(env, usage);
    bool lossless = false;
    uint64_t key = value.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) throw Napi::RangeError::New(env, std::string(usage) + ": the key must fit in a u64");
    return key;
  }

  // sessionLost(key): { kernel, user } records of that session lost, per kind (kernel[0]: its
  // processes that did not fit in `tracked`). Reads the kernel's session_lost map.
  Napi::Value SessionLost(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    uint64_t key = SessionKeyArg(env, info[0], "sessionLost(sessionKey: bigint)");
    session_lost kernel{};
    bpf_map* map = FindMap(env, obj_, path_, kSessionLostMap);
    ResetLog();
    int err = bpf_map__lookup_elem(map, &key, sizeof key, &kernel, sizeof kernel, 0);
    if (err != 0 && err != -ENOENT) {
      throw LibbpfError(env, "failed to look up map " + MapName(map) + " of " + path_, err);
    }
    std::array<uint64_t, RECORD_KIND_COUNT> user{};
    if (poller_ != nullptr) user = poller_->SessionUserLost(key);
    Napi::Array kernel_out = Napi::Array::New(env, RECORD_KIND_COUNT);
    Napi::Array user_out = Napi::Array::New(env, RECORD_KIND_COUNT);
    for (uint32_t i = 0; i < RECORD_KIND_COUNT; i++) {
      kernel_out.Set(i, Napi::BigInt::New(env, static_cast<uint64_t>(kernel.lost[i])));
      user_out.Set(i, Napi::BigInt::New(env, user[i]));
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("kernel", kernel_out);
    out.Set("user", user_out);
    return out;
  }

  // forgetSession(key): drops the session's loss counters, kernel and user space (once its
  // losses were reported: the kernel map has room for a bounded number of sessions).
  Napi::Value ForgetSession(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    uint64_t key = SessionKeyArg(env, info[0], "forgetSession(sessionKey: bigint)");
    bpf_map* map = FindMap(env, obj_, path_, kSessionLostMap);
    ResetLog();
    int err = bpf_map__delete_elem(map, &key, sizeof key, 0);
    if (err != 0 && err != -ENOENT) {
      throw LibbpfError(env, "failed to delete from map " + MapName(map) + " of " + path_, err);
    }
    if (poller_ != nullptr) poller_->ForgetSession(key);
    return env.Undefined();
  }

  // ringUsage(): { [ring map]: { size, used } }: each ring buffer's data size, and the bytes the
  // kernel wrote (or reserved) there that the poller has not consumed yet. libbpf 1.1 has no
  // ring__avail_data_size, so this reads the two positions the way libbpf does: the consumer page
  // then the producer page of the map, mapped read-only for the moment (the kernel allows that).
  Napi::Value RingUsage(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    Napi::Object out = Napi::Object::New(env);
    bpf_map* map = nullptr;
    bpf_object__for_each_map(map, obj_) {
      if (bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF) continue;
      void* pages = mmap(nullptr, 2 * page, PROT_READ, MAP_SHARED, bpf_map__fd(map), 0);
      if (pages == MAP_FAILED) {
        throw LibbpfError(env, "failed to map the positions of ring buffer " + MapName(map) + " of " + path_, errno);
      }
      const auto* consumer = static_cast<const unsigned long*>(pages);
      const auto* producer = reinterpret_cast<const unsigned long*>(static_cast<const uint8_t*>(pages) + page);
      // Consumer first: it never passes the producer, so `used` cannot come out negative.
      unsigned long consumed = __atomic_load_n(consumer, __ATOMIC_ACQUIRE);
      unsigned long produced = __atomic_load_n(producer, __ATOMIC_ACQUIRE);
      munmap(pages, 2 * page);
      Napi::Object usage = Napi::Object::New(env);
      usage.Set("size", Napi::Number::New(env, static_cast<double>(bpf_map__max_entries(map))));
      usage.Set("used", Napi::Number::New(env, static_cast<double>(produced - consumed)));
      out.Set(bpf_map__name(map), usage);
    }
    return out;
  }

  // drain(done): the poller consumes the rings now, hands over what it has, then calls done.
  Napi::Value Drain(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    if (!info[0].IsFunction()) throw Napi::TypeError::New(env, "drain(done: () => void)");
    if (poller_ == nullptr) throw Napi::Error::New(env, "the poller of " + path_ + " is not started: call start()");
    auto* d = new Delivery(Delivery::Kind::kDone);
    d->done = Napi::Persistent(info[0].As<Napi::Function>());
    // Keep the process alive until `done` has run: the caller is most likely awaiting it.
    if (poller_->pending_drains++ == 0) napi_ref_threadsafe_function(env, poller_->tsfn);
    poller_->RequestDrain(d);
    return env.Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Release();
    return info.Env().Undefined();
  }

  Napi::Value GetPath(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), path_); }

  Napi::Value GetClosed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), obj_ == nullptr); }

  Napi::Value GetSkippedPrograms(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env, skipped_.size());
    for (size_t i = 0; i < skipped_.size(); i++) out.Set(static_cast<uint32_t>(i), skipped_[i]);
    return out;
  }

  void RequireOpen(Napi::Env env) const {
    if (obj_ == nullptr) throw Napi::Error::New(env, "BPF engine " + path_ + " is closed");
  }

  // Detaching waits for an RCU grace period per link (~50 ms each here, close to a second for
  // all of them one after the other); detaching them from threads of their own overlaps those.
  void DestroyLinks() {
    std::vector<std::thread> threads;
    for (bpf_link* link : links_) {
      try {
        threads.emplace_back([link] { bpf_link__destroy(link); });
      } catch (const std::system_error&) {
        bpf_link__destroy(link);
      }
    }
    for (std::thread& t : threads) t.join();
    links_.clear();
    attached_ = false;
  }

  // close() and the finalizer: stop and join the poller, release the thread-safe function
  // (drains not served yet still get their `done`, after the batches already queued, which are
  // discarded and counted), detach, free. Idempotent; touches no JS value.
  void Release() {
    if (poller_ != nullptr) {
      Poller& p = *poller_;
      p.Stop();
      if (p.tsfn_alive && !p.released) {
        p.closed = true;
        for (Delivery* d : p.TakeDrainRequests()) p.Queue(d);
        p.released = true;
        napi_release_threadsafe_function(p.tsfn, napi_tsfn_release);
      } else {
        for (Delivery* d : p.TakeDrainRequests()) Forget(d);
      }
      // poller_ stays (stopped) for userLost(); the thread-safe function holds its own share.
    }
    DestroyLinks();
    if (obj_ != nullptr) {
      bpf_object__close(obj_);
      obj_ = nullptr;
    }
  }

  std::string path_;
  bpf_object* obj_ = nullptr;
  std::vector<bpf_link*> links_;
  bool attached_ = false;
  std::vector<std::string> skipped_;
  Napi::FunctionReference on_records_;
  std::shared_ptr<Poller> poller_;  // set by start(), kept after close()
  size_t max_queued_batches_ = kDefaultMaxQueuedBatches;
};

}  // namespace

Napi::Function DefineEngine(Napi::Env env) { return Engine::Define(env); }

}  // namespace teleport
