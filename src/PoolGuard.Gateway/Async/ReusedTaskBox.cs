using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace PoolGuard.Gateway.Async;

/// <summary>
/// Holds a suspended async method and is the source of its ValueTask; goes back to a cache once the
/// awaiting caller has read the result. Continuations run inline on the completing thread, as with
/// the framework's pooling builder.
/// </summary>
internal abstract class ReusedTaskBox<TResult> : IValueTaskSource<TResult>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<TResult> _core;

    private static long s_made;

    protected ReusedTaskBox()
    {
        MoveNextAction = MoveNext;
        Interlocked.Increment(ref s_made);
    }

    /// <summary>Boxes made so far for methods with this result type (tests read it to see reuse).</summary>
    public static long Made => Volatile.Read(ref s_made);

    /// <summary>Made once per box, so resuming a reused box allocates nothing.</summary>
    public Action MoveNextAction { get; }

    public short Version => _core.Version;

    protected ExecutionContext? Context { get; set; }

    /// <summary>Flows AsyncLocal state into the resumed method, as await does for every async method.</summary>
    public void CaptureContext() => Context = ExecutionContext.Capture();

    public void SetResult(TResult result) => _core.SetResult(result);

    public void SetException(Exception exception) => _core.SetException(exception);

    protected abstract void MoveNext();

    /// <summary>Drops the finished state machine and puts the box back in its cache.</summary>
    protected abstract void Recycle();

    protected void ResetCore() => _core.Reset();

    public TResult GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Recycle();
        }
    }

    void IValueTaskSource.GetResult(short token) => GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

/// <summary>The box for one async method (one state machine type), with its cache.</summary>
internal sealed class ReusedTaskBox<TResult, TStateMachine> : ReusedTaskBox<TResult>
    where TStateMachine : IAsyncStateMachine
{
    /// <summary>
    /// Boxes kept per method: enough for every client queued behind a busy pool to give its box back
    /// and take it again without garbage. A box is a few hundred bytes; a burst beyond this just
    /// allocates as before.
    /// </summary>
    private const int CacheSize = 1024;

    [ThreadStatic] private static ReusedTaskBox<TResult, TStateMachine>? t_spare;
    private static readonly Lock s_lock = new();
    private static readonly ReusedTaskBox<TResult, TStateMachine>?[] s_cache = new ReusedTaskBox<TResult, TStateMachine>?[CacheSize];
    private static int s_count;

    private static readonly ContextCallback s_moveNext = static box =>
        ((ReusedTaskBox<TResult, TStateMachine>)box!).StateMachine!.MoveNext();

    public TStateMachine? StateMachine;

    public static ReusedTaskBox<TResult, TStateMachine> Rent()
    {
        if (t_spare is { } spare)
        {
            t_spare = null;
            return spare;
        }
        lock (s_lock)
        {
            if (s_count > 0)
            {
                var box = s_cache[--s_count]!;
                s_cache[s_count] = null;
                return box;
            }
        }
        return new ReusedTaskBox<TResult, TStateMachine>();
    }

    protected override void MoveNext()
    {
        if (Context is { } context)
        {
            ExecutionContext.Run(context, s_moveNext, this);
        }
        else
        {
            StateMachine!.MoveNext();
        }
    }

    protected override void Recycle()
    {
        StateMachine = default;
        Context = null;
        ResetCore();
        if (t_spare is null)
        {
            t_spare = this;
            return;
        }
        lock (s_lock)
        {
            if (s_count < CacheSize)
            {
                s_cache[s_count++] = this;
            }
        }
    }
}
