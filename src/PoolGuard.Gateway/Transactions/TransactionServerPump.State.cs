using System.Buffers;
using PoolGuard.Gateway.SessionCommands;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Transactions;

/// <summary>The server messages that change what the gateway tracks: settings, command tags, errors.</summary>
internal sealed partial class TransactionServerPump
{
    private HeaderDecision OnParameterStatus(in ReadOnlySequence<byte> message, MessageHeader header, bool swallowing)
    {
        if (!TryRecordParameterStatus(_server!, message, header, out var name, out var value))
        {
            return HeaderDecision.WaitForMore;
        }
        if (!swallowing && name is not null)
        {
            _reports++;
            // The client changed a setting: its next server must get it too.
            _server!.SyncedTo = null;
            lock (link.Sync)
            {
                if (_resetting)
                {
                    link.NoteParameterReset(name, value!);
                }
                else
                {
                    link.NoteParameterChanged(name, value!);
                }
            }
        }
        // Even the answer to the gateway's own settings query: the client must know what its settings now are.
        return Pass(header, drop: false);
    }

    /// <summary>Tags of commands that change what the gateway tracks about the server's session.</summary>
    private void NoteCommand(ReadOnlySequence<byte> tag)
    {
        Span<byte> text = stackalloc byte[SessionCommandTags.MaxLength];
        tag.CopyTo(text);
        text = text[..(int)tag.Length];
        if (text.SequenceEqual(SessionCommandTags.Set) || text.SequenceEqual(SessionCommandTags.Reset))
        {
            // A RESET brings a default back: nothing of the client's is lost by it.
            _sets += text[0] == (byte)'S' ? 1 : 0;
            _server!.SyncedTo = _server.UnreportedFrom = null;
            _resetting |= text[0] == (byte)'R';
        }
        else if (text.SequenceEqual(SessionCommandTags.DiscardAll) || text.SequenceEqual(SessionCommandTags.DeallocateAll))
        {
            _server!.SyncedTo = _server.UnreportedFrom = null;
            _resetting |= text[0] == (byte)'D' && text[1] == (byte)'I';
            lock (link.Sync)
            {
                if (link.StatementResetsHandled > 0)
                {
                    // The client pump forgot the statements at this command's place in the stream.
                    link.StatementResetsHandled--;
                }
                else
                {
                    // Part of a longer query, or sent by the extended protocol: forgotten now.
                    _server.Statements?.Clear();
                    link.Statements?.Clear();
                }
            }
        }
    }

    /// <summary>
    /// A command that changes the schema (CREATE, ALTER, DROP, COMMENT; ROLLBACK of a transaction that
    /// did): statements prepared from now on are planned anew rather than shared with older ones.
    /// One byte is looked at for any other command.
    /// </summary>
    private void NoteSchemaChange(in ReadOnlySequence<byte> message, MessageHeader header)
    {
        if (message.Length <= MessageHeader.Size)
        {
            return;
        }
        var first = message.Slice(MessageHeader.Size, 1).FirstSpan[0];
        if (first is not ((byte)'C' or (byte)'A' or (byte)'D' or (byte)'R'))
        {
            return;
        }
        Span<byte> tag = stackalloc byte[8];
        var length = Math.Min(header.BodyLength, tag.Length);
        if (message.Length < MessageHeader.Size + length)
        {
            return; // split across reads (rare): not looked at
        }
        message.Slice(MessageHeader.Size, length).CopyTo(tag);
        tag = tag[..length];
        if (tag.StartsWith("CREATE "u8) || tag.StartsWith("ALTER "u8) || tag.StartsWith("DROP "u8) || tag.StartsWith("COMMENT"u8))
        {
            _schemaChanged = true;
            link.Pool.StatementUsers.NoteSchemaChange();
        }
        else if (_schemaChanged && tag.StartsWith("ROLLBACK"u8))
        {
            link.Pool.StatementUsers.NoteSchemaChange();
        }
    }

    private HeaderDecision OnError(MessageHeader header)
    {
        if (!_hasHead)
        {
            return Pass(header, drop: false);
        }
        var failed = _head;
        lock (link.Sync)
        {
            if (failed.Kind is FrontendMessage.Parse or FrontendMessage.Bind or FrontendMessage.Close
                or FrontendMessage.Describe or FrontendMessage.Execute)
            {
                // The server now ignores everything up to the next Sync: those requests get no answer.
                Forget(link.Pending.Dequeue());
                while (link.Pending.TryPeek(out var next) && next.Kind != FrontendMessage.Sync)
                {
                    Forget(link.Pending.Dequeue());
                }
                if (link.Pending.Count == 0)
                {
                    link.SkipUntilSync = true;
                    link.NoteDrained();
                }
                _hasHead = false;
            }
        }
        if (failed.Action == ResponseAction.Swallow && failed.Kind == FrontendMessage.Query)
        {
            // The gateway's settings query failed: nothing the client asked for, but the server's
            // settings are now unknown and it will not be kept.
            SettingsError = "setting the client's session parameters failed";
            _server!.SyncedTo = _server.UnreportedFrom = null;
            return Pass(header, drop: true);
        }
        if (failed.Action == ResponseAction.ReportDuplicate)
        {
            ErrorResponseWriter.WriteError(Emit(), PgError.Error(SqlState.DuplicatePreparedStatement, $"prepared statement \"{failed.Statement}\" already exists"));
            Drop(header.TotalSize);
            LastType = BackendMessage.ErrorResponse;
            return HeaderDecision.Forward;
        }
        if (TryRewriteQueryCancelled(link.Timeouts, header))
        {
            return HeaderDecision.Forward;
        }
        // Even for a Parse the gateway made up, the client must hear why its Bind got nowhere.
        return Pass(header, drop: false);
    }

    /// <summary>
    /// A request that failed, or that the server skipped after an earlier failure: a statement it
    /// was to prepare does not exist there, and a client statement no server ever prepared does not
    /// exist at all (PostgreSQL keeps nothing of a failed Parse). Called under the link's lock.
    /// </summary>
    private void Forget(PendingRequest request)
    {
        if (request.Kind != FrontendMessage.Parse)
        {
            return;
        }
        if (request.Statement is { } name)
        {
            _server!.Statements?.Remove(name);
        }
        if (request.Client is { Verified: false } never)
        {
            link.Statements?.RemoveFailed(never);
        }
    }
}
