export declare const VM_TEST_FILES: string[]
