namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// A growable ring of <see cref="PendingRequest"/>s. Not thread-safe: the session's link lock guards it.
/// Grows to the deepest pipeline a client sends and is then reused, so steady traffic allocates nothing.
/// </summary>
internal sealed class RequestQueue
{
    private PendingRequest[] _items = new PendingRequest[8];
    private int _head;

    public int Count { get; private set; }

    public void Enqueue(PendingRequest request)
    {
        if (Count == _items.Length)
        {
            var bigger = new PendingRequest[_items.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                bigger[i] = _items[(_head + i) % _items.Length];
            }
            _items = bigger;
            _head = 0;
        }
        _items[(_head + Count) % _items.Length] = request;
        Count++;
    }

    public bool TryPeek(out PendingRequest request)
    {
        if (Count == 0)
        {
            request = default;
            return false;
        }
        request = _items[_head];
        return true;
    }

    public PendingRequest Dequeue()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("no pending request");
        }
        var request = _items[_head];
        _items[_head] = default;
        _head = (_head + 1) % _items.Length;
        Count--;
        return request;
    }

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        Count = 0;
    }
}
