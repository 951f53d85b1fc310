using System.Runtime.CompilerServices;

namespace PoolGuard.Gateway.Async;

/// <summary>
/// An async method builder for the per-transaction async methods of the relay. Like .NET's
/// <see cref="PoolingAsyncValueTaskMethodBuilder{TResult}"/> it allocates nothing when the method
/// completes synchronously and reuses the box that holds a suspended method; unlike it, the boxes are
/// kept in a cache sized for hundreds of suspended methods at once. .NET's keeps about one per thread
/// and one per core, which is right for a few hot awaits but not for a pool with 100 clients queued
/// for 20 servers: each queued client holds a suspended acquire, and measured with dotnet-trace's
/// allocation ticks that cost ~550 B of boxes per transaction at 100 clients (pgbench -S).
/// </summary>
internal struct ReusedValueTaskMethodBuilder<TResult>
{
    private ReusedTaskBox<TResult>? _box;
    private TResult _result;
    private Exception? _exception;

    public static ReusedValueTaskMethodBuilder<TResult> Create() => default;

    internal readonly ReusedTaskBox<TResult>? Box => _box;

    public readonly ValueTask<TResult> Task
    {
        get
        {
            if (_box is { } box)
            {
                return new ValueTask<TResult>(box, box.Version);
            }
            return _exception is null ? new ValueTask<TResult>(_result) : ValueTask.FromException<TResult>(_exception);
        }
    }

    // Start only runs the first step with the caller's execution context saved and restored: the
    // framework's builders share that one routine, and it holds no builder state.
    public readonly void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine =>
        default(AsyncValueTaskMethodBuilder).Start(ref stateMachine);

    public readonly void SetStateMachine(IAsyncStateMachine stateMachine)
    {
        // Only called by the framework for boxed state machines the old way; boxes here are our own.
    }

    public void SetResult(TResult result)
    {
        if (_box is { } box)
        {
            box.SetResult(result);
        }
        else
        {
            _result = result;
        }
    }

    public void SetException(Exception exception)
    {
        if (_box is { } box)
        {
            box.SetException(exception);
        }
        else
        {
            _exception = exception;
        }
    }

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        awaiter.OnCompleted(BoxFor(ref stateMachine).MoveNextAction);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        awaiter.UnsafeOnCompleted(BoxFor(ref stateMachine).MoveNextAction);

    private ReusedTaskBox<TResult> BoxFor<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        if (_box is { } existing)
        {
            existing.CaptureContext();
            return existing;
        }
        var box = ReusedTaskBox<TResult, TStateMachine>.Rent();
        // The builder lives inside the state machine: set the box first, so the copy taken into the
        // box knows its box too.
        _box = box;
        box.StateMachine = stateMachine;
        box.CaptureContext();
        return box;
    }
}

/// <summary><see cref="ReusedValueTaskMethodBuilder{TResult}"/> for methods returning a plain ValueTask.</summary>
internal struct ReusedValueTaskMethodBuilder
{
    private ReusedValueTaskMethodBuilder<NoResult> _inner;

    public static ReusedValueTaskMethodBuilder Create() => default;

    public readonly ValueTask Task
    {
        get
        {
            if (_inner.Box is { } box)
            {
                return new ValueTask(box, box.Version);
            }
            var task = _inner.Task;
            return task.IsCompletedSuccessfully ? default : new ValueTask(task.AsTask());
        }
    }

    public readonly void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine =>
        default(AsyncValueTaskMethodBuilder).Start(ref stateMachine);

    public readonly void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }

    public void SetResult() => _inner.SetResult(default);

    public void SetException(Exception exception) => _inner.SetException(exception);

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        _inner.AwaitOnCompleted(ref awaiter, ref stateMachine);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        _inner.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);
}

/// <summary>The result of a method that has none.</summary>
internal readonly struct NoResult;
