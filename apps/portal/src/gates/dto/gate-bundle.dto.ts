import { ApiProperty } from '@nestjs/swagger';
import type { SignedGateBundle } from '@campuspass/contracts';

/** OpenAPI shape of `SignedGateBundle` (libs/contracts gate-bundle.ts, which validates it). */
export class SignedGateBundleResponse implements SignedGateBundle {
  @ApiProperty({ description: 'kid of the bundle key that signed (hex)', example: '0123456789abcdef' })
  kid!: string;

  @ApiProperty({ description: 'The GateBundle as JSON text; the signature covers its UTF-8 bytes' })
  payload!: string;

  @ApiProperty({ description: 'Ed25519 signature of the payload bytes, base64' })
  signature!: string;
}
