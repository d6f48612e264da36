using System.Buffers.Binary;
using System.Threading.Channels;
using Google.Protobuf;
using Tensorboard;
using TorchSharp;
using TorchSharp.Utils;

namespace AddMlp.Gpu;

/// <summary>
/// A run's per-epoch scalars for TensorBoard — <c>loss</c>, <c>val_loss</c> (with a validation split),
/// <c>weight_error</c> (models without hidden layers) and <c>lr</c> — at step = the 1-based epoch, in
/// TensorBoard's event-file format: the file made by TorchSharp's own SummaryWriter
/// (TorchSharp.Utils.tensorboard), its records the ones SummaryWriter.add_scalar writes.
/// Give it <see cref="Write"/> as <see cref="TrainControl.OnRecords"/>: it gets the epochs at each log
/// point, so `tensorboard --logdir` follows the run live; <see cref="Complete"/> when the run is over.
/// </summary>
/// <remarks>
/// SummaryWriter.add_scalar opens, appends to and closes the file for every scalar (about 25 µs each
/// here), slower than the tutorial trains; so a batch's records are framed here, with TorchSharp's
/// Event and Summary messages and its CRC-32C, and appended through one buffered stream. They are
/// written on a thread of their own, as PyTorch's SummaryWriter does too: training does not wait for
/// the disk. The event
/// file (events.out.tfevents.TICKS.HOST.PID.N.addmlpRANDOM) is made at the first write, so a run that
/// stops before its first epoch leaves none; every run, and every resumed part of one, writes a new
/// file beside the others, which TensorBoard reads as one run.
/// </remarks>
public sealed class TensorBoardLog : IDisposable
{
    /// <summary>The scalars' tags, as TensorBoard shows them.</summary>
    public const string Loss = "loss", ValLoss = "val_loss", WeightError = "weight_error", LearningRate = "lr";

    private readonly Channel<EpochRecords> _queue = Channel.CreateUnbounded<EpochRecords>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _writing;
    private Exception? _failure;
    private int _written; // epochs on disk

    public TensorBoardLog(string directory)
    {
        Directory = directory;
        _writing = Task.Factory.StartNew(WriteQueued, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The folder TensorBoard is pointed at (`tensorboard --logdir DIR`).</summary>
    public string Directory { get; }

    /// <summary>Hands the records to the writing thread and returns at once; they are made in the run's dtype and written as float32, as TensorBoard keeps them.</summary>
    public void Write(EpochRecords records) => _queue.Writer.TryWrite(records);

    /// <summary>
    /// Waits until every record handed over is on disk. Throws what stopped the writing (an
    /// <see cref="IOException"/> for a full disk, say), with how many epochs made it: the log is then incomplete.
    /// </summary>
    public void Complete()
    {
        _queue.Writer.TryComplete();
        _writing.Wait();
        if (_failure is not null)
            throw new IOException($"the TensorBoard log in '{Directory}' stopped after {_written} epochs: {Reason(_failure)}", _failure);
    }

    private static string Reason(Exception e) => e is IOException or UnauthorizedAccessException ? e.Message : $"{e.GetType().Name}: {e.Message}";

    /// <summary>Waits for the writing as <see cref="Complete"/> does, without throwing.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writing.Wait();
    }

    private void WriteQueued()
    {
        string? file = null;
        try
        {
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (_queue.Reader.TryRead(out EpochRecords? records))
                {
                    if (_failure is not null)
                        continue; // drain: the log has stopped, training goes on
                    long whole = 0;
                    try
                    {
                        whole = file is null ? 0 : new FileInfo(file).Length;
                        file ??= Create();
                        Append(file, records);
                        _written += records.Count;
                    }
                    catch (Exception e) // whatever stops the log (a full disk, its folder deleted) must not stop the run
                    {
                        _failure = e;
                        CutBack(file, whole);
                    }
                }
            }
        }
        catch (Exception e)
        {
            _failure ??= e;
        }
    }

    /// <summary>
    /// The event file SummaryWriter made, with its file-version record. SummaryWriter does not say which;
    /// the suffix it is given, of this log alone, finds it among the files of other runs writing to the
    /// same folder at the same time.
    /// </summary>
    private string Create()
    {
        string suffix = $"addmlp{Random.Shared.NextInt64():x16}";
        torch.utils.tensorboard.SummaryWriter(Directory, suffix);
        return System.IO.Directory.EnumerateFiles(Directory, $"events.out.tfevents.*.{suffix}").Single();
    }

    /// <summary>Takes a failed batch's part of a record off the file's end (a full disk tears the record it stops in), so what stays is whole records.</summary>
    private static void CutBack(string? file, long length)
    {
        if (file is null)
            return;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Write);
            stream.SetLength(length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the log is already reported as stopped; a torn tail is what TensorBoard sees of a record being written
        }
    }

    /// <summary>The batch's scalars, appended through one buffered stream: a few writes, not one per scalar.</summary>
    private static void Append(string file, EpochRecords records)
    {
        // The second it is written, as SummaryWriter.add_scalar stamps each scalar.
        double wallTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);
        for (int i = 0; i < records.Count; i++)
        {
            int epoch = records.FirstEpoch + i;
            Frame(stream, Loss, (float)records.Loss[i], epoch, wallTime);
            if (records.ValLoss is { } valLoss)
                Frame(stream, ValLoss, (float)valLoss[i], epoch, wallTime);
            if (records.WeightError is { } weightError)
                Frame(stream, WeightError, (float)weightError[i], epoch, wallTime);
            Frame(stream, LearningRate, (float)records.LearningRate[i], epoch, wallTime);
        }
    }

    /// <summary>
    /// One scalar's TFRecord: the data's length (little-endian uint64), the masked CRC-32C of those 8
    /// bytes, the data (an Event with a Summary of one simple_value), the masked CRC-32C of the data.
    /// </summary>
    private static void Frame(Stream to, string tag, float value, int step, double wallTime)
    {
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, SimpleValue = value });
        byte[] data = new Event { WallTime = wallTime, Step = step, Summary = summary }.ToByteArray();
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(word, data.LongLength);
        to.Write(word);
        BinaryPrimitives.WriteUInt32LittleEndian(word, Masked(CRC32C.process(data.LongLength)));
        to.Write(word[..4]);
        to.Write(data);
        BinaryPrimitives.WriteUInt32LittleEndian(word, Masked(CRC32C.process(data)));
        to.Write(word[..4]);
    }

    /// <summary>TFRecord's masking of a CRC (rotated right by 15 bits, plus a constant), as SummaryWriter writes it.</summary>
    private static uint Masked(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}
