// The one door to the generated ONNX protobuf code: configures protobufjs so that
// int64 fields decode to plain numbers (dims, attributes, opset versions all fit in 2^53)
// and unknown fields are kept.
import $protobuf from 'protobufjs/minimal.js';
import { onnx } from './generated/onnx.js';

$protobuf.util.Long = undefined as unknown as typeof $protobuf.util.Long;
$protobuf.configure();
// protobufjs drops unknown fields by default; keep them (as `$unknowns` on each message)
// so that a file written by a newer ONNX survives load -> save unchanged.
$protobuf.Reader.discardUnknown = false;

export { onnx };
export const DataType = onnx.TensorProto.DataType;
export const AttributeType = onnx.AttributeProto.AttributeType;
