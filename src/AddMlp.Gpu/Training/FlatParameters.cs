using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// All of a network's parameters as views into one contiguous buffer, and their gradients as views
/// into another. The optimizer then updates every parameter with one op per formula term instead of
/// one per parameter, and zeroing the gradients is one op: at the tutorial's size a step is bound by
/// the number of ops, not by arithmetic.
/// </summary>
/// <remarks>
/// The gradient views stay attached: libtorch accumulates a backward pass into a parameter's
/// existing gradient in place, so zeroing <see cref="Grad"/> (rather than dropping the gradients) keeps
/// them in the buffer. Elementwise updates on the buffer give the same bits as per-parameter updates.
/// </remarks>
internal sealed class FlatParameters : IDisposable
{
    private FlatParameters(Tensor values, Tensor grad, IReadOnlyList<(long Offset, long Length)> spans)
    {
        Values = values;
        Grad = grad;
        Spans = spans;
    }

    /// <summary>Every parameter, in state_dict order, end to end.</summary>
    public Tensor Values { get; }

    /// <summary>Every parameter's gradient, laid out as <see cref="Values"/>.</summary>
    public Tensor Grad { get; }

    /// <summary>Where each parameter sits in the buffers, in state_dict order.</summary>
    public IReadOnlyList<(long Offset, long Length)> Spans { get; }

    /// <summary>
    /// Rebinds each Linear layer's weight and bias to views into new flat buffers (on the model's device
    /// and dtype). Linear's setters dispose the parameters they replace and take the new ones out of the
    /// dispose scope.
    /// </summary>
    public static FlatParameters Bind(Sequential model)
    {
        using var scope = NewDisposeScope(); // the views and copies made on the way
        Parameter[] current = [.. model.parameters()];
        long total = current.Sum(p => p.numel());
        Tensor values = zeros(total, dtype: current[0].dtype, device: current[0].device).DetachFromDisposeScope();
        Tensor grad = zeros_like(values).DetachFromDisposeScope();
        long offset = 0;
        var spans = new List<(long, long)>();
        Parameter Next(Parameter p)
        {
            long n = p.numel();
            spans.Add((offset, n));
            using (no_grad())
                values.narrow(0, offset, n).copy_(p.detach().reshape(-1));
            var view = new Parameter(values.narrow(0, offset, n).view(p.shape), requires_grad: true)
            {
                grad = grad.narrow(0, offset, n).view(p.shape),
            };
            offset += n;
            return view;
        }

        foreach (var (_, module) in model.named_children())
        {
            if (module is Linear linear)
            {
                linear.weight = Next(linear.weight!);
                linear.bias = Next(linear.bias!);
            }
        }
        if (offset != total)
            throw new InvalidOperationException("the network has parameters outside its Linear layers");
        return new FlatParameters(values, grad, spans);
    }

    /// <summary>
    /// Zeroes every gradient: one op. (fill_ with a scalar made once, rather than zero_(): TorchSharp's
    /// zero_ wraps its result in a new managed tensor, garbage every step.)
    /// </summary>
    public void ZeroGrad() => Grad.fill_(Zero);

    private static readonly Scalar Zero = 0.0;

    public void Dispose()
    {
        Values.Dispose();
        Grad.Dispose();
    }
}
