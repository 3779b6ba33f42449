// node-webcam ships no types; only what the webcam adapter uses is declared.
declare module 'node-webcam' {
  interface NodeWebcamOptions {
    width?: number;
    height?: number;
    quality?: number;
    frames?: number;
    delay?: number;
    saveShots?: boolean;
    output?: 'jpeg' | 'png' | 'bmp';
    device?: string | false;
    callbackReturn?: 'location' | 'buffer' | 'base64';
    verbose?: boolean;
    skip?: number | false;
  }
  interface Webcam {
    capture(location: string, callback: (error: Error | null, data: string) => void): void;
  }
  const NodeWebcam: { create(options: NodeWebcamOptions): Webcam };
  export default NodeWebcam;
}
