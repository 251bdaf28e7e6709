import { runHttpApp } from '@app/runtime';
import { selectorConfigSchema } from './selector.config';
import { SelectorModule } from './selector.module';

void runHttpApp('selector', SelectorModule, selectorConfigSchema);
