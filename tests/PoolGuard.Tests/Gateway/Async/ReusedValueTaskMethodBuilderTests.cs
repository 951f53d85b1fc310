using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using PoolGuard.Gateway.Async;

namespace PoolGuard.Tests.Gateway.Async;

public sealed class ReusedValueTaskMethodBuilderTests
{
    /// <summary>A hand-completed awaitable, so a test decides exactly when a method resumes.</summary>
    private sealed class Gate : IValueTaskSource<int>
    {
        private ManualResetValueTaskSourceCore<int> _core;

        public ValueTask<int> WaitAsync() => new(this, _core.Version);
        public void Open(int value) => _core.SetResult(value);
        public void Fail(Exception ex) => _core.SetException(ex);
        public int GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                _core.Reset();
            }
        }
        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);
        public void OnCompleted(Action<object?> c, object? s, short t, ValueTaskSourceOnCompletedFlags f) => _core.OnCompleted(c, s, t, f);
    }

    [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder<>))]
    private static async ValueTask<int> AddAfterAsync(Gate? gate, int add)
    {
        var value = gate is null ? 0 : await gate.WaitAsync().ConfigureAwait(false);
        if (add < 0)
        {
            throw new InvalidOperationException("negative");
        }
        return value + add;
    }

    [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder))]
    private static async ValueTask RecordAfterAsync(Gate gate, List<int> seen)
    {
        seen.Add(await gate.WaitAsync().ConfigureAwait(false));
    }

    [Fact]
    public async Task A_method_that_never_suspends_returns_its_result_without_a_box()
    {
        var task = AddAfterAsync(null, 5);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal(5, await task);

        var failed = AddAfterAsync(null, -1);
        Assert.True(failed.IsFaulted);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await failed);
    }

    [Fact]
    public async Task A_suspended_method_resumes_with_the_awaited_value_and_reports_its_exception()
    {
        var gate = new Gate();
        var task = AddAfterAsync(gate, 2);
        Assert.False(task.IsCompleted);
        gate.Open(40);
        Assert.Equal(42, await task);

        var failing = AddAfterAsync(gate, 1);
        gate.Fail(new TimeoutException("late"));
        var ex = await Assert.ThrowsAsync<TimeoutException>(async () => await failing);
        Assert.Equal("late", ex.Message);

        var negative = AddAfterAsync(gate, -1);
        gate.Open(1);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await negative);
    }

    [Fact]
    public async Task Many_methods_suspended_at_once_each_get_their_own_result_round_after_round()
    {
        // More suspended at once than the cache holds, so boxes are both reused and made; a box
        // handed to two methods at once would mix up their values.
        const int count = 1500;
        for (var round = 0; round < 3; round++)
        {
            var gates = Enumerable.Range(0, count).Select(_ => new Gate()).ToArray();
            var tasks = gates.Select((g, i) => AddAfterAsync(g, i).AsTask()).ToArray();
            Parallel.For(0, count, i => gates[i].Open(round * 10_000));
            var results = await Task.WhenAll(tasks);
            Assert.Equal(Enumerable.Range(0, count).Select(i => round * 10_000 + i), results);
        }
    }

    [Fact]
    public async Task A_plain_ValueTask_method_completes_and_its_box_is_reused()
    {
        var gate = new Gate();
        var seen = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            var warm = RecordAfterAsync(gate, seen);
            gate.Open(i);
            await warm;
        }

        // Counted rather than measured in bytes: a Debug build makes each state machine a class of
        // its own, so only the box count says whether boxes were reused.
        var made = ReusedTaskBox<NoResult>.Made;
        for (var i = 0; i < 100; i++)
        {
            var task = RecordAfterAsync(gate, seen);
            gate.Open(i);
            Assert.True(task.IsCompleted);
            await task; // already complete, so this stays on the thread whose spare box is reused
        }

        Assert.Equal(110, seen.Count);
        Assert.Equal(99, seen[^1]);
        // Other tests may run on other threads at the same time and make boxes of their own.
        Assert.True(ReusedTaskBox<NoResult>.Made - made < 10, $"{ReusedTaskBox<NoResult>.Made - made} boxes made for 100 sequential suspensions");
    }

    [Fact]
    public async Task AsyncLocal_values_flow_into_the_resumed_method()
    {
        var local = new AsyncLocal<string>();
        var gate = new Gate();

        [AsyncMethodBuilder(typeof(ReusedValueTaskMethodBuilder<>))]
        async ValueTask<string?> ReadAfterAsync()
        {
            await gate.WaitAsync().ConfigureAwait(false);
            return local.Value;
        }

        local.Value = "caller's";
        var task = ReadAfterAsync();
        local.Value = "changed later";
        // Opened from a thread with no AsyncLocal value: the method must still see the one it was called with.
        await Task.Run(() => gate.Open(0));
        Assert.Equal("caller's", await task);
    }
}
