using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace AddMlp.Gpu;

/// <summary>
/// The network as an ONNX model, for ONNX Runtime and every tool that reads ONNX: input <c>x</c>
/// [batch, 2], output <c>sum</c> [batch, 1], float32, the batch dimension free. Built as ONNX's own
/// protobuf schema describes it (OnnxSharp's generated classes, written by Google.Protobuf), at IR
/// version 8 and opset 17, which ONNX 1.12's checker (Debian 12's python3-onnx) and ONNX Runtime accept.
/// </summary>
/// <remarks>
/// Each Linear layer is one Gemm with transB=1 (PyTorch's [out, in] weights as they are), each
/// activation its operator; GELU, which opset 17 lacks, is its erf form 0.5·x·(1 + erf(x / √2)), the
/// nodes PyTorch's exporter writes below opset 20. Initializers keep the state dict's names ("0.weight").
/// A float64 model's weights are rounded to float32, the type ONNX deployments compute in.
/// </remarks>
public static class OnnxFile
{
    public const long IrVersion = 8, Opset = 17;

    /// <summary>The graph's input and output names.</summary>
    public const string Input = "x", Output = "sum";

    /// <summary>The symbolic name of the batch dimension.</summary>
    public const string BatchDimension = "batch";

    /// <summary>Writes <paramref name="model"/> as an ONNX model, atomically (temporary file, then rename).</summary>
    public static void Export(ModelDocument model, string path, CancellationToken cancellation = default)
    {
        ModelProto onnx = Build(model);
        OutputFiles.Write(path, temp =>
        {
            using FileStream file = File.Create(temp);
            onnx.WriteTo(file);
        }, cancellation: cancellation);
    }

    /// <summary>The ONNX model of <paramref name="model"/>'s network.</summary>
    internal static ModelProto Build(ModelDocument model)
    {
        Architecture architecture = model.Architecture;
        var graph = new GraphProto
        {
            Name = "addmlp",
            DocString = $"addmlp's {architecture}: two numbers in, their sum out (sum = a + b, learned)",
        };
        graph.Input.Add(Tensor(Input, 2));
        graph.Output.Add(Tensor(Output, 1));
        foreach (var (name, _) in architecture.Parameters())
            graph.Initializer.Add(Float32(name, model.StateDict[name]));

        string current = Input;
        var linears = architecture.Parameters().Chunk(2).ToArray(); // (weight, bias) per layer
        for (int layer = 0; layer < linears.Length; layer++)
        {
            int index = 2 * layer; // Sequential's index of the Linear, as in its parameters' names
            if (layer > 0)
                current = Activation(graph, architecture.Activation!.Value, index - 1, current);
            string output = layer == linears.Length - 1 ? Output : $"/{index}/Gemm_output_0";
            graph.Node.Add(Node("Gemm", $"/{index}/Gemm", [current, linears[layer][0].Name, linears[layer][1].Name], output,
                new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
            current = output;
        }

        var onnx = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "addmlp",
            ProducerVersion = ProductVersion.Current,
            Domain = "addmlp",
            ModelVersion = 1,
            DocString = "A network that learned to add two numbers, exported by addmlp (the C# port of PyTorch's Linear(2, 1) tutorial).",
            Graph = graph,
        };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in Metadata(model))
            onnx.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return onnx;
    }

    /// <summary>What the model file says of the network and its run, as the ONNX model's metadata (ONNX Runtime: ModelMetadata.CustomMetadataMap).</summary>
    private static IEnumerable<(string Key, string Value)> Metadata(ModelDocument model)
    {
        yield return ("addmlp.architecture", model.Architecture.ToString());
        yield return ("addmlp.dtype", EnumNames<DType>.Of(model.Dtype));
        if (model.Training is not { } training)
            yield break;
        yield return ("addmlp.seed", training.Options.Seed.ToString(CultureInfo.InvariantCulture));
        yield return ("addmlp.epochs_run", training.Outcome.EpochsRun.ToString(CultureInfo.InvariantCulture));
        yield return ("addmlp.final_loss", training.Outcome.FinalLoss.ToString("R", CultureInfo.InvariantCulture));
        yield return ("addmlp.status", EnumNames<TrainStatus>.Of(training.Outcome.Status));
    }

    /// <summary>The activation after layer <paramref name="index"/> - 1, as nodes reading <paramref name="input"/>; returns their output's name.</summary>
    private static string Activation(GraphProto graph, Activation activation, int index, string input)
    {
        string Out(string op) => $"/{index}/{op}_output_0";
        if (activation != AddMlp.Gpu.Activation.Gelu)
        {
            string op = activation == AddMlp.Gpu.Activation.Relu ? "Relu" : "Tanh";
            graph.Node.Add(Node(op, $"/{index}/{op}", [input], Out(op)));
            return Out(op);
        }
        if (!graph.Initializer.Any(t => t.Name == GeluSqrt2))
        {
            graph.Initializer.Add(Scalar(GeluSqrt2, MathF.Sqrt(2)));
            graph.Initializer.Add(Scalar(GeluOne, 1));
            graph.Initializer.Add(Scalar(GeluHalf, 0.5f));
        }
        graph.Node.Add(Node("Div", $"/{index}/Div", [input, GeluSqrt2], Out("Div")));
        graph.Node.Add(Node("Erf", $"/{index}/Erf", [Out("Div")], Out("Erf")));
        graph.Node.Add(Node("Add", $"/{index}/Add", [Out("Erf"), GeluOne], Out("Add")));
        graph.Node.Add(Node("Mul", $"/{index}/Mul", [input, Out("Add")], Out("Mul")));
        graph.Node.Add(Node("Mul", $"/{index}/Mul_1", [Out("Mul"), GeluHalf], Out("Mul_1")));
        return Out("Mul_1");
    }

    private const string GeluSqrt2 = "gelu.sqrt2", GeluOne = "gelu.one", GeluHalf = "gelu.half";

    private static NodeProto Node(string op, string name, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    /// <summary>A float32 tensor of shape [batch, <paramref name="columns"/>].</summary>
    private static ValueInfoProto Tensor(string name, int columns)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    /// <summary>A weight as a float32 initializer: ONNX's raw_data is little-endian, whatever the machine.</summary>
    private static TensorProto Float32(string name, TensorData data)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(data.Shape);
        byte[] bytes = new byte[data.Values.Length * sizeof(float)];
        for (int i = 0; i < data.Values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), (float)data.Values[i]);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    private static TensorProto Scalar(string name, float value) => Float32(name, new TensorData([], [value]));
}
