// The one door to the generated ONNX protobuf code: configures protobufjs so that
// int64 fields decode to plain numbers (dims, attributes, opset versions all fit in 2^53).
import $protobuf from 'protobufjs/minimal.js';
import { onnx } from './generated/onnx.js';

$protobuf.util.Long = undefined as unknown as typeof $protobuf.util.Long;
$protobuf.configure();

export { onnx };
export const DataType = onnx.TensorProto.DataType;
export const AttributeType = onnx.AttributeProto.AttributeType;
