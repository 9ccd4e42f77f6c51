import { Global, Module } from '@nestjs/common';
import { UsageRecorder } from './recording/usage-recorder.js';

@Global()
@Module({ providers: [UsageRecorder], exports: [UsageRecorder] })
export class UsageModule {}
